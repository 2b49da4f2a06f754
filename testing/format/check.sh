#!/usr/bin/env bash
# Every tracked C/C++ file must be formatted as .clang-format says.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
if ! out=$(tools/format --check 2>&1); then
  echo "$out" | head -40
  fail "files need formatting: run tools/format"
fi
echo "PASS: all C/C++ files are formatted"
