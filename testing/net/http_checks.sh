#!/usr/bin/env bash
# What Debian's curl (and a hand-made bad client) must see from an httpd
# at BASE_URL that serves BIG (a 16 MiB file) as /big.bin in a writable
# directory: the host's httpd_host (httpd_peer_test.sh) or the guest's
# through QEMU's hostfwd (guest_peer_test.sh) run the same checks.
#
#   http_checks.sh BASE_URL BIG WORK_DIR
#
# An upload is checked by downloading it again, so this works without
# seeing the server's disk. Prints one PASS line per check; exits 1 at
# the first failure.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
base=$1
big=$2
work=$3
host_port=${base#http://}
host=${host_port%:*}
port=${host_port##*:}
want=$(sha "$big")
size=$(stat -c %s "$big")
pass() { echo "PASS: $*"; }

# A request written by hand, its first response line printed.
raw() {
  timeout 10 bash -c 'exec 3<>/dev/tcp/$0/$1 || exit 1; printf "$2" >&3; head -1 <&3 | tr -d "\r"' \
    "$host" "$port" "$1"
}

status=$(curl -sS -o "$work/dl" -w '%{http_code}' "$base/big.bin") || net_fail "curl download: $status"
[[ $status == 200 && $(sha "$work/dl") == "$want" ]] || net_fail "download: status $status, sha256 differs"
pass "curl downloads 16 MiB, sha256 equal"

pids=()
for i in 1 2 3 4 5 6 7 8; do
  curl -sS -o "$work/dl$i" "$base/big.bin" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || net_fail "one of 8 concurrent downloads failed"; done
for i in 1 2 3 4 5 6 7 8; do
  [[ $(sha "$work/dl$i") == "$want" ]] || net_fail "concurrent download $i: sha256 differs"
done
pass "8 concurrent curl downloads, every sha256 equal"

name="up-$$-$RANDOM.bin"
status=$(curl -sS -o /dev/null -w '%{http_code}' -T "$big" "$base/$name") || net_fail "curl -T: $status"
[[ $status == 201 ]] || net_fail "upload: status $status, not 201"
curl -sS -o "$work/up" "$base/$name" || net_fail "download of the upload"
[[ $(sha "$work/up") == "$want" ]] || net_fail "upload: the file downloaded again differs"
status=$(curl -sS -o /dev/null -w '%{http_code}' -T "$big" "$base/$name")
[[ $status == 204 ]] || net_fail "replacing upload: status $status, not 204"
pass "curl -T uploads 16 MiB (201, then 204 replacing), downloaded again equal"

status=$(curl -sS -o /dev/null -w '%{http_code}' -T - "$base/chunked-$name" <"$big")
curl -sS -o "$work/up" "$base/chunked-$name" || net_fail "download of the chunked upload"
[[ $status == 201 && $(sha "$work/up") == "$want" ]] || net_fail "chunked upload: status $status"
pass "a chunked upload (curl -T - from a pipe), downloaded again equal"

out=$(curl -sS -v -o "$work/a" -o "$work/b" "$base/big.bin" "$base/big.bin" 2>&1)
grep -q "Re-using existing connection" <<<"$out" || net_fail "curl did not keep the connection"
[[ $(sha "$work/a") == "$want" && $(sha "$work/b") == "$want" ]] || net_fail "keep-alive: sha256"
pass "two downloads on one kept-alive connection"

head=$(curl -sSI "$base/big.bin" | tr -d '\r')
grep -qx "HTTP/1.1 200 OK" <<<"$head" && grep -qix "content-length: $size" <<<"$head" ||
  net_fail "HEAD: $head"
pass "HEAD says 200 and the length"

curl -sS "$base/" | grep -q 'href="big.bin"' || net_fail "the listing of / lacks big.bin"
pass "directory listing"

check_status() { # WANT DESCRIPTION CURL_ARGS...
  local want=$1 what=$2 got
  shift 2
  got=$(curl -sS -o /dev/null -w '%{http_code}' "$@")
  [[ $got == "$want" ]] || net_fail "$what: status $got, not $want"
  pass "$what: $want"
}
check_status 404 "a missing file" "$base/no-such-file"
check_status 405 "DELETE" -X DELETE "$base/big.bin"
check_status 400 "a path outside the directory" --path-as-is "$base/../../etc/passwd"
check_status 400 "an encoded path outside the directory" --path-as-is "$base/%2e%2e/%2e%2e/etc/passwd"
first=$(raw 'PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
[[ $first == "HTTP/1.1 405 Method Not Allowed" ]] || net_fail "PUT on the directory: '$first'"
pass "PUT on the directory: 405"

first=$(raw 'PUT /huge HTTP/1.1\r\nHost: x\r\nContent-Length: 1099511627776\r\n\r\n')
[[ $first == "HTTP/1.1 413 Content Too Large" ]] || net_fail "a 1 TiB upload: '$first'"
pass "a 1 TiB upload is refused: 413"

for bad in 'GARBAGE\r\n\r\n' 'GET / HTTP/1.1\r\n\r\n' 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n' \
           'GET /\001 HTTP/1.1\r\nHost: x\r\n\r\n'; do
  first=$(raw "$bad")
  [[ $first == "HTTP/1.1 400 Bad Request" ]] || net_fail "malformed request '$bad': '$first'"
done
pass "malformed requests get 400"

# A client that sends half a request and stays: nobody else waits for it.
exec 4<>"/dev/tcp/$host/$port" || net_fail "cannot connect the stalled client"
printf 'GET /big.bin HTTP/1.1\r\nHo' >&4
status=$(curl -sS -m 60 -o "$work/dl" -w '%{http_code}' "$base/big.bin")
[[ $status == 200 && $(sha "$work/dl") == "$want" ]] || net_fail "a download beside a stalled client"
exec 4>&-
pass "the server keeps serving beside a stalled client and after malformed ones"
