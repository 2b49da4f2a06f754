#!/usr/bin/env bash
# Every host test again under each sanitizer: ASan, UBSan, TSan. (QEMU
# system tests are skipped: the kernel never carries host sanitizers.)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
for config in asan ubsan tsan; do
  if ! out=$(bazel test --config="$config" --test_tag_filters=-qemu //... 2>&1); then
    echo "$out" | grep -E '^//|FAILED|ERROR' | head -40
    fail "host tests fail under --config=$config"
  fi
  echo "PASS: $(grep -E '^Executed' <<<"$out") (--config=$config)"
done
