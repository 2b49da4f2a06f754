#!/usr/bin/env bash
# The DNS fixture of the guest tests answers as a resolver expects, over
# TCP and UDP: an A record, NXDOMAIN, an empty answer, FORMERR.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/dns.XXXXXX")
python3 "$(dirname "$0")/dns_fixture.py" nginx.viper.test=10.0.2.100 >"$work/log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
wait_line "$work/log" '^port [0-9]+' || net_fail "the fixture did not start"
port=$(head -1 "$work/log" | cut -d' ' -f2)
python3 - "$port" <<'PY' || exit 1
import socket, struct, sys
port = int(sys.argv[1])
def query(name, qtype=1, raw=None):
    q = raw if raw is not None else struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"".join(
        bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + struct.pack("!HH", qtype, 1)
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(struct.pack("!H", len(q)) + q)
    n = struct.unpack("!H", s.recv(2))[0]
    r = b""
    while len(r) < n: r += s.recv(n - len(r))
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5)
    u.sendto(q, ("127.0.0.1", port))
    assert u.recv(4096) == r, "UDP and TCP differ"
    return r
r = query("NGINX.viper.test")
assert r[:2] == b"\x12\x34" and r[3] & 15 == 0 and r[7] == 1 and r[-4:] == bytes([10, 0, 2, 100]), r
assert query("other.test")[3] & 15 == 3, "NXDOMAIN"
r = query("nginx.viper.test", qtype=28)
assert r[3] & 15 == 0 and r[7] == 0, "AAAA: no data"
assert query(None, raw=b"\x00\x01\x01\x00\x00\x02" + b"\0" * 6)[3] & 15 == 1, "FORMERR"
print("PASS: A, NXDOMAIN, no data and FORMERR, alike over TCP and UDP")
PY
grep -q "query tcp nginx.viper.test 1 -> 10.0.2.100" "$work/log" || net_fail "no log line: $(cat "$work/log")"
echo "PASS: the fixture logs each query"
