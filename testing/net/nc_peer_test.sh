#!/usr/bin/env bash
# nc's host build (nc_host) against itself, against python's sockets and
# against curl and httpd_host: 16 MiB each way over TCP, half-closes, UDP
# both ways, -w, and the usage errors.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
nc=$(net_program nc_host)
httpd=$(net_program httpd_host)
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/nc-peer.XXXXXX")
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
pass() { echo "PASS: $*"; }
head -c 16777216 /dev/urandom >"$work/big"
want=$(sha "$work/big")

# listen_nc LOG OUT [OPTIONS]: nc -l -v on a free port in the background; sets port.
listen_nc() {
  local log=$1 out=$2
  shift 2
  # <&0: a background job's stdin would otherwise be /dev/null.
  "$nc" -l -v -p 0 "$@" <&0 >"$out" 2>"$log" &
  pids+=($!)
  listen_pid=$!
  wait_line "$log" 'listening on port [0-9]+' || net_fail "nc -l did not start: $(cat "$log")"
  port=$(grep -oE 'port [0-9]+' "$log" | head -1 | cut -d' ' -f2)
}

listen_nc "$work/l1.log" "$work/l1.out" </dev/null
"$nc" 127.0.0.1 "$port" <"$work/big" || net_fail "nc to nc -l"
wait "$listen_pid" || net_fail "nc -l exited with an error"
[[ $(sha "$work/l1.out") == "$want" ]] || net_fail "nc -> nc -l: sha256 differs"
pass "16 MiB from nc to nc -l (whose stdin was empty: a half-close each way)"

listen_nc "$work/l2.log" /dev/null <"$work/big"
"$nc" 127.0.0.1 "$port" </dev/null >"$work/l2.got" || net_fail "nc from nc -l"
[[ $(sha "$work/l2.got") == "$want" ]] || net_fail "nc -l -> nc: sha256 differs"
pass "16 MiB from nc -l to nc"

# An echo server in python: what nc sends comes back after nc's FIN.
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept(); data = b""
while True:
    d = c.recv(65536)
    if not d: break
    data += d
c.sendall(data[::-1]); c.close()' >"$work/echo.port" &
pids+=($!)
wait_line "$work/echo.port" '^[0-9]+$' || net_fail "the echo server did not start"
got=$(printf 'abc' | "$nc" 127.0.0.1 "$(cat "$work/echo.port")")
[[ $got == cba ]] || net_fail "the answer after our FIN: '$got'"
pass "a half-close: the peer answers after nc's FIN, nc prints it"

"$httpd" -q -p 0 -r "$work" 2>"$work/httpd.log" &
pids+=($!)
wait_line "$work/httpd.log" 'port [0-9]+' || net_fail "httpd did not start"
hport=$(grep -oE 'port [0-9]+' "$work/httpd.log" | cut -d' ' -f2)
got=$(printf 'HEAD /big HTTP/1.0\r\n\r\n' | "$nc" 127.0.0.1 "$hport" | head -1 | tr -d '\r')
[[ $got == "HTTP/1.1 200 OK" ]] || net_fail "a request by nc to httpd: '$got'"
pass "nc speaks HTTP to httpd by hand"

listen_nc "$work/u.log" "$work/u.out" -u -w 2 </dev/null
printf 'one datagram\n' | "$nc" -u -w 1 127.0.0.1 "$port" || net_fail "nc -u"
wait "$listen_pid"
[[ $(cat "$work/u.out") == "one datagram" ]] || net_fail "UDP: '$(cat "$work/u.out")'"
pass "UDP: a datagram from nc -u to nc -l -u, which ends after -w 2 idle"

# UDP back: the listener answers the sender of its first datagram.
mkfifo "$work/fifo"
exec 5<>"$work/fifo" # opened both ways first: a read-only open would wait for a writer
listen_nc "$work/u2.log" "$work/u2.out" -u -w 3 <"$work/fifo"
(printf 'ping\n'; sleep 1.5) | "$nc" -u -w 3 127.0.0.1 "$port" >"$work/u2.back" &
pids+=($!)
client=$!
wait_line "$work/u2.out" ping 5 || net_fail "UDP: the listener got nothing"
printf 'pong\n' >&5
exec 5>&-
wait "$client"
[[ $(cat "$work/u2.back") == pong ]] || net_fail "UDP back: '$(cat "$work/u2.back")'"
pass "UDP: nc -l -u answers the sender of the first datagram"

start=$(date +%s)
"$nc" -l -w 1 -p 0 </dev/null 2>/dev/null; status=$?
[[ $status == 1 && $(($(date +%s) - start)) -le 3 ]] || net_fail "-l -w 1 with no peer: $status"
"$nc" 127.0.0.1 "$(free_port)" </dev/null 2>/dev/null; [[ $? == 1 ]] || net_fail "refused: not 1"
for bad in "-l" "127.0.0.1" "127.0.0.1 0" "127.0.0.1 65536" "-p 1 127.0.0.1 80" "-x" "-l 127.0.0.1 80"; do
  # shellcheck disable=SC2086
  "$nc" $bad </dev/null 2>/dev/null; [[ $? == 2 ]] || net_fail "'nc $bad': not a usage error"
done
pass "no peer within -w and a refused connection are status 1; bad usage is 2"
