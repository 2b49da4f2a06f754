#!/usr/bin/env bash
# fetch's host build (fetch_host) against Debian's nginx on loopback (a
# 16 MiB file, redirects, a redirect loop, 404) and against
# http_fixture.py for what nginx does not send (chunked bodies, a body
# to the connection's end, a cut body, garbage, silence).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
fetch=$(net_program fetch_host)
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/fetch-peer.XXXXXX")
fixture_pid=""
NGINX_PID=""
cleanup() {
  [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null
  [[ -n $fixture_pid ]] && kill "$fixture_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
pass() { echo "PASS: $*"; }

mkdir -p "$work/www"
head -c 16777216 /dev/urandom >"$work/www/big.bin"
want=$(sha "$work/www/big.bin")
start_nginx "$work/www" "$work"
base="http://127.0.0.1:$NGINX_PORT"

"$fetch" "$base/big.bin" "$work/got" || net_fail "fetch from nginx failed"
[[ $(sha "$work/got") == "$want" ]] || net_fail "fetch from nginx: sha256 differs"
pass "fetch downloads 16 MiB from nginx, sha256 equal"

"$fetch" "$base/big.bin" >"$work/stdout" && "$fetch" "$base/big.bin" - >"$work/dash" ||
  net_fail "fetch to stdout"
[[ $(sha "$work/stdout") == "$want" && $(sha "$work/dash") == "$want" ]] || net_fail "stdout differs"
pass "no FILE, or '-', writes to stdout"

"$fetch" "$base/redirect2" "$work/got" && [[ $(sha "$work/got") == "$want" ]] ||
  net_fail "two redirects"
pass "fetch follows two redirects (301 absolute, 302 relative)"

err=$("$fetch" -r 1 "$base/redirect2" "$work/none" 2>&1); status=$?
[[ $status == 1 && $err == *"more than 1 redirects"* && ! -e $work/none ]] || net_fail "-r 1: $status $err"
err=$("$fetch" "$base/loop" "$work/none" 2>&1); status=$?
[[ $status == 1 && $err == *"more than 5 redirects"* ]] || net_fail "loop: $status $err"
pass "the redirect limit stops a loop"

err=$("$fetch" "$base/no-such" "$work/none" 2>&1); status=$?
[[ $status == 1 && $err == *"404 Not Found"* && ! -e $work/none ]] || net_fail "404: $status $err"
pass "404 is a failure and leaves no file"

python3 "$(dirname "$0")/http_fixture.py" "$work/www/big.bin" >"$work/fixture.log" &
fixture_pid=$!
wait_line "$work/fixture.log" '^port [0-9]+' || net_fail "the fixture did not start"
fixture="http://127.0.0.1:$(cut -d' ' -f2 "$work/fixture.log")"

for path in chunked eof; do
  "$fetch" "$fixture/$path" "$work/got" && [[ $(sha "$work/got") == "$want" ]] ||
    net_fail "/$path differs"
done
pass "a chunked body, and a body to the connection's end, sha256 equal"

expect_failure() { # PATH MESSAGE [OPTIONS]
  local path=$1 message=$2 err status
  shift 2
  err=$("$fetch" "$@" "$fixture/$path" "$work/none" 2>&1); status=$?
  [[ $status == 1 && $err == *"$message"* && ! -e $work/none ]] ||
    net_fail "/$path: status $status, '$err'"
  pass "/$path: '$err'"
}
expect_failure truncated "connection closed after 10 bytes"
expect_failure badchunk "malformed chunked body"
expect_failure garbage "malformed response"
expect_failure silent "timed out" -t 1

port=$(free_port)
err=$("$fetch" "http://127.0.0.1:$port/" 2>&1); [[ $? == 1 && $err == *refused* ]] ||
  net_fail "a closed port: $err"
"$fetch" "https://127.0.0.1/" 2>/dev/null; [[ $? == 2 ]] || net_fail "https: not a usage error"
"$fetch" 2>/dev/null; [[ $? == 2 ]] || net_fail "no URL: not a usage error"
pass "a closed port is status 1; https and no URL are usage errors (2)"
