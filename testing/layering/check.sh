#!/usr/bin/env bash
# An upward dependency across layers must be refused by Bazel visibility,
# for libraries and for ktest libraries alike:
#   //kernel/lib/layering_demo:upward_dependency (layer 0) -> //drivers/pl011 (layer 8)
#   //kernel/lib/layering_demo:upward_ktest (layer 0 ktests) -> //sched:scheduler (layer 4)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"

# refused TARGET DEPENDENCY [bazel flags...]
refused() {
  local target=$1 dependency=$2
  shift 2
  local out
  if out=$(bazel build "$@" "$target" 2>&1); then
    fail "$target built; layer visibility is not enforced"
  fi
  grep -q "target '$dependency' is not visible from target '$target'" <<<"$out" ||
    { echo "$out"; fail "$target failed, but not with the expected visibility error"; }
  echo "PASS: $target is refused with a visibility error"
}

refused //kernel/lib/layering_demo:upward_dependency //drivers/pl011:pl011
# ktest libraries are AArch64-only: build for the kernel's platform, or
# Bazel would refuse the target as incompatible before judging visibility.
refused //kernel/lib/layering_demo:upward_ktest //sched:scheduler \
  --platforms=//bazel/platforms:aarch64_none
