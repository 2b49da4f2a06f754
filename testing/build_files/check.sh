#!/usr/bin/env bash
# Every BUILD.bazel file is tidy: lists sorted as buildifier sorts them, and
# every rule it calls loaded (cc_* from @rules_cc, not the native ones).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
if ! out=$(python3 testing/build_files/check_build_files.py); then
  echo "$out"
  fail "BUILD files are not tidy"
fi
echo "PASS: BUILD files are sorted and load what they use"
