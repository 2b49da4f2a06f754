#!/bin/sh
# nic_udp_peer_test.sh HARNESS KERNEL INITRD PEER: boots ViperDOS with its
# NIC on raw frames over UDP (--net=udp:LOCAL:REMOTE, ports picked here) and
# a host peer (PEER, nic_udp_peer.py) on the other end, init running
# bin/nic_peer_test. The harness's verdict is the test's.
set -eu
harness=$1 kernel=$2 initrd=$3 peer=$4
free_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
qemu_port=$(free_port)
peer_port=$(free_port)
python3 "$peer" "$peer_port" "$qemu_port" &
peer_pid=$!
trap 'kill $peer_pid 2>/dev/null || true' EXIT
"$harness" --kernel="$kernel" --initrd="$initrd" --timeout=120s \
  --append="init=bin/nic_peer_test" --net="udp:$qemu_port:$peer_port" \
  --expect="KTEST-SUMMARY passed=,failed=0"
