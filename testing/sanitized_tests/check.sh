#!/usr/bin/env bash
# Every host test of the system again under each sanitizer: ASan, UBSan,
# TSan. QEMU system tests are skipped (the kernel never carries host
# sanitizers), and so are the QEMU harness's own tests (//testing/qemu: test
# infrastructure on abseil, whose three sanitized builds cost CI minutes and
# guard nothing of the system; they run unsanitized in the main test run).
# --build_tests_only: build just the tests that run, not every target.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
for config in asan ubsan tsan; do
  if ! out=$(bazel test --config="$config" --build_tests_only --test_tag_filters=-qemu -- //... -//testing/qemu/... 2>&1); then
    echo "$out" | grep -E '^//|FAILED|ERROR' | head -40
    fail "host tests fail under --config=$config"
  fi
  echo "PASS: $(grep -E '^Executed' <<<"$out") (--config=$config)"
done
