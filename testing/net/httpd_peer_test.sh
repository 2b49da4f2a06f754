#!/usr/bin/env bash
# httpd's host build (httpd_host) against Debian's curl on loopback:
# http_checks.sh's downloads, uploads, refusals and bad clients, then the
# server is still there and nothing outside its directory was written.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
httpd=$(net_program httpd_host)
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/httpd-peer.XXXXXX")
pid=""
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

mkdir -p "$work/www/sub" "$work/dl"
head -c 16777216 /dev/urandom >"$work/www/big.bin"
echo secret >"$work/secret"
"$httpd" -p 0 -r "$work/www" 2>"$work/log" &
pid=$!
wait_line "$work/log" 'port [0-9]+' || net_fail "httpd did not start: $(cat "$work/log")"
port=$(grep -oE 'port [0-9]+' "$work/log" | cut -d' ' -f2)

bash "$(dirname "$0")/http_checks.sh" "http://127.0.0.1:$port" "$work/www/big.bin" "$work/dl" || exit 1

# Usage errors, and a directory that is not one.
"$httpd" -p 99999 2>/dev/null; [[ $? == 2 ]] || net_fail "-p 99999: not a usage error"
"$httpd" -r "$work/secret" -p 0 2>/dev/null; [[ $? == 1 ]] || net_fail "-r FILE: not an error"
kill -0 "$pid" || net_fail "httpd died"
[[ $(find "$work" -newer "$work/secret" -type f -not -path "$work/www/*" -not -path "$work/dl/*" \
      -not -name log | wc -l) == 0 ]] || net_fail "a file was written outside the directory"
echo "PASS: httpd still serving; usage errors are status 2"
