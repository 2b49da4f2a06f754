#!/usr/bin/env bash
# The host half of the utilities' tests: each case runs a command line in a
# fresh temporary directory, with the NAME_host builds on PATH as NAME, and
# compares its stdout, stderr and exit status with the table's.
#
#   run_cases.sh CASES_FILE BINARY...
#
# CASES_FILE is bash that calls `check STATUS COMMAND STDOUT STDERR`
# (outputs compared exactly: $'...\n' for newlines) and `setup COMMAND`
# (run with the host's tools in each following case's directory before
# it, until the next setup: the files those cases work on). bash's
# built-in echo, true, false and kill are disabled, so the commands run ours.
set -u
cases_file=$1
shift
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
for binary in "$@"; do
  name=$(basename "$binary")
  ln -s "$(realpath "$binary")" "$bin/${name%_host}"
done

passed=0
failed=0
pending_setup=""

setup() { pending_setup=$1; }

check() {
  local want_status=$1 command=$2 want_out=$3 want_err=$4
  local dir
  dir=$(mktemp -d)
  local out err status
  (cd "$dir" && eval "$pending_setup") >/dev/null 2>&1
  out=$(cd "$dir" && PATH="$bin" LC_ALL=C TZ=UTC /bin/bash -c "enable -n echo true false kill; $command" 2>"$dir/.stderr"; echo "[status $?]")
  status=${out##*\[status }
  status=${status%]}
  out=${out%\[status *}
  err=$(cat "$dir/.stderr"; echo x) # the x keeps trailing newlines: compared exactly
  err=${err%x}
  rm -rf "$dir"
  if [[ "$status" == "$want_status" && "$out" == "$want_out" && "$err" == "$want_err" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $command"
    [[ "$status" == "$want_status" ]] || echo "  status $status, want $want_status"
    [[ "$out" == "$want_out" ]] || printf '  stdout:\n%s\n  want:\n%s\n' "$out" "$want_out"
    [[ "$err" == "$want_err" ]] || printf '  stderr:\n%s\n  want:\n%s\n' "$err" "$want_err"
  fi
}

# The table ends by calling `end_of_cases`: a syntax error part way
# through makes bash stop reading it, which must fail, not pass with the
# cases before it.
table_complete=0
end_of_cases() { table_complete=1; }
# shellcheck source=/dev/null
source "$cases_file"
echo "$passed passed, $failed failed"
if [[ $table_complete -ne 1 ]]; then
  echo "FAIL: $cases_file stopped before its end_of_cases line (a syntax error?)"
  exit 1
fi
[[ $failed -eq 0 ]]
