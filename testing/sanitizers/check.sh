#!/usr/bin/env bash
# Each sanitizer config must catch its demonstration bug: the demo passes in
# a plain build and fails under its config with the sanitizer's report.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"

declare -A report=(
  [asan]="AddressSanitizer: heap-buffer-overflow"
  [ubsan]="runtime error: signed integer overflow"
  [tsan]="ThreadSanitizer: data race"
)
bazel test //testing/sanitizers:asan_demo //testing/sanitizers:tsan_demo \
  //testing/sanitizers:ubsan_demo >/dev/null 2>&1 ||
  fail "the demos must pass without sanitizers"
for config in asan ubsan tsan; do
  target="//testing/sanitizers:${config}_demo"
  if bazel test --config="$config" "$target" >/dev/null 2>&1; then
    fail "$target passed under --config=$config; the sanitizer did not fire"
  fi
  log="bazel-testlogs/testing/sanitizers/${config}_demo/test.log"
  grep -q "${report[$config]}" "$log" || { cat "$log"; fail "no '${report[$config]}' in $log"; }
  echo "PASS: --config=$config reports '${report[$config]}'"
done
