#!/usr/bin/env bash
# An upward dependency across layers must be refused by Bazel visibility:
# //kernel/lib/layering_demo (layer 0) depends on //drivers/pl011 (layer 8).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"

target=//kernel/lib/layering_demo:upward_dependency
if out=$(bazel build "$target" 2>&1); then
  fail "$target built; layer visibility is not enforced"
fi
grep -q "target '//drivers/pl011:pl011' is not visible from target '$target'" <<<"$out" ||
  { echo "$out"; fail "$target failed, but not with the expected visibility error"; }
echo "PASS: $target is refused with a visibility error"
