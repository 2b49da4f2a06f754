#!/usr/bin/env bash
# expect_output.sh PROGRAM ARG LINE...: runs PROGRAM ARG and fails unless
# every LINE is a line of its standard output.
set -euo pipefail
program=$1
arg=$2
shift 2
out=$("$program" "$arg" 2>/dev/null)
for line in "$@"; do
  grep -qxF -- "$line" <<<"$out" || { echo "missing line: $line"; echo "output:"; echo "$out"; exit 1; }
done
echo "all ${#} lines present"
