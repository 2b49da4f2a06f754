#!/usr/bin/env bash
# The real-peer tests on ViperDOS (issue 17): QEMU boots the system with
# a disk holding a 16 MiB file and /peer.sh, which init runs (etc/
# net-MODE-test.conf starts netd with the run's arguments); the guest's
# httpd serves /www and the host's programs judge it:
#
#   peer     Debian's curl through --hostfwd: http_checks.sh (16 MiB down,
#            8 at once, up, refusals, bad clients); the guest's fetch from
#            nginx on host loopback through --guestfwd, by address and by a
#            name the DNS fixture answers over TCP through --guestfwd; ping
#            of the gateway; a DHCP lease (ifconfig)
#   loss5    netd --loss=5: 16 MiB down and up intact, tcp_retransmits > 0
#   loss20   netd --loss=20 --reorder: the same
#   badpeer  bad_peer.py on a raw-frame link (--net=udp): bad checksums,
#            RST storms, zero windows, half-open connections, garbage; netd
#            still answers ping and a fresh connection after each
#
#   guest_peer_test.sh HARNESS KERNEL_IMAGE INITRD MODE
#
# Results come back over HTTP (the guest writes them into /www), so the
# console log is only for people; the run ends when the host PUTs
# /www/done: the guest prints its counters and powers off.
set -uo pipefail
here=$(dirname "$0")
source "$here/lib.sh"
harness=$1
kernel=$2
initrd=$3
mode=$4
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/guest-peer.XXXXXX")
pids=()
harness_pid=""
cleanup() {
  local p
  for p in "${pids[@]}" $harness_pid; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [[ -n ${TEST_UNDECLARED_OUTPUTS_DIR:-} ]] && cp "$work/console.log" "$TEST_UNDECLARED_OUTPUTS_DIR/" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
pass() { echo "PASS: $mode: $*"; }
fail_with_log() {
  echo "--- the console's last lines:"
  tail -40 "$work/console.log"
  net_fail "$mode: $*"
}

# The disk: /www with the file, and the script init runs.
mkdir -p "$work/tree/www" "$work/dl"
head -c 16777216 /dev/urandom >"$work/tree/www/big.bin"
echo hello >"$work/tree/www/hello.txt"
big=$work/tree/www/big.bin
want=$(sha "$big")
{
  echo '#!/bin/sh'
  echo "# guest_peer_test.sh $mode"
  echo 'httpd -q -p 80 -r /www &'
  if [[ $mode == peer ]]; then
    # Each result appears whole (mv), so the host can poll for it.
    echo 'fetch http://10.0.2.100/big.bin /www/.f1 && mv /www/.f1 /www/from-nginx.bin'
    echo 'fetch http://nginx.viper.test/big.bin /www/.f2 && mv /www/.f2 /www/from-nginx-by-name.bin'
    echo 'ping -c 3 -i 0 10.0.2.2 >/www/.p && mv /www/.p /www/ping.txt'
    echo 'ifconfig >/www/.i && mv /www/.i /www/ifconfig.txt'
  fi
  cat <<'SH'
while [ ! -e /www/done ]; do
  if [ -e /www/snapshot ]; then
    rm /www/snapshot
    netstat -s >/www/.c && mv /www/.c /www/counters.txt
  fi
  sleep 1
done
echo NET-PEER-COUNTERS
netstat -s
netstat
ifconfig
echo NET-PEER-END
SH
} >"$work/tree/peer.sh"
PATH=$PATH:/sbin:/usr/sbin mke2fs -q -t ext2 -b 4096 -d "$work/tree" "$work/disk.img" 160M ||
  net_fail "mke2fs"

# The machine's network. These are branch nic's harness flags (testing/qemu):
# user networking with restrict=on, a host port forwarded to the guest's
# httpd, and guest addresses forwarded to nginx and the DNS fixture on
# host loopback; or a raw-frame link to a host script.
host_port=$(free_port)
net_flags=()
if [[ $mode == badpeer ]]; then
  qemu_port=$(free_port)
  our_port=$(free_port)
  net_flags=("--net=udp:$qemu_port:$our_port")
else
  start_nginx "$work/tree/www" "$work"
  pids+=("$NGINX_PID")
  python3 "$here/dns_fixture.py" nginx.viper.test=10.0.2.100 >"$work/dns.log" &
  pids+=($!)
  wait_line "$work/dns.log" '^port [0-9]+' || net_fail "the DNS fixture did not start"
  dns_port=$(head -1 "$work/dns.log" | cut -d' ' -f2)
  net_flags=(--net=user "--hostfwd=tcp:127.0.0.1:$host_port-:80"
             "--guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:$NGINX_PORT"
             "--guestfwd=tcp:10.0.2.101:53-tcp:127.0.0.1:$dns_port")
fi

"$harness" --kernel="$kernel" --initrd="$initrd" --smp=4 --mem=1G --timeout=1200s \
  --append="init=bin/init initarg=etc/net-$mode-test.conf" --disk="$work/disk.img" \
  --disk_in_place --expect=NET-PEER-END "${net_flags[@]}" >"$work/console.log" 2>&1 &
harness_pid=$!

# A file of the guest's /www, once it exists (the guest writes results whole).
base="http://127.0.0.1:$host_port"
wait_file() { # NAME SECONDS OUT
  local i
  for ((i = 0; i < $2; i++)); do
    kill -0 "$harness_pid" 2>/dev/null || fail_with_log "QEMU ended early"
    [[ $(curl -s -m 30 -o "$3" -w '%{http_code}' "$base/$1") == 200 ]] && return 0
    sleep 1
  done
  return 1
}
put_marker() { curl -sS -m 30 -o /dev/null -T /dev/null "$base/$1"; }

finish() { # ends the guest's script; its counters to $work/counters
  put_marker done || fail_with_log "PUT /done"
  wait "$harness_pid"
  local status=$?
  harness_pid=""
  [[ $status == 0 ]] || fail_with_log "the harness said $status (no NET-PEER-END, or no clean power-off)"
  sed -n '/NET-PEER-COUNTERS/,/NET-PEER-END/p' "$work/console.log" >"$work/counters"
  pass "the guest printed its counters and powered off"
}

if [[ $mode == badpeer ]]; then
  # bad_peer.py waits for the boot itself, and PUTs /done at its end.
  python3 "$here/bad_peer.py" "$qemu_port" "$our_port" || fail_with_log "bad_peer.py"
  wait "$harness_pid" || fail_with_log "the harness failed after the bad peer"
  harness_pid=""
  pass "netd survived every bad peer and powered off cleanly"
  exit 0
fi

wait_file hello.txt 300 "$work/hello" || fail_with_log "the guest's httpd never answered"
pass "the guest's httpd answers through --hostfwd"

if [[ $mode == peer ]]; then
  bash "$here/http_checks.sh" "$base" "$big" "$work/dl" || fail_with_log "http_checks.sh"
  for name in from-nginx.bin from-nginx-by-name.bin; do
    wait_file "$name" 600 "$work/got" || fail_with_log "the guest's fetch: no $name"
    [[ $(sha "$work/got") == "$want" ]] || fail_with_log "$name: sha256 differs"
  done
  pass "the guest's fetch downloaded 16 MiB from nginx, by address and by name, sha256 equal"
  grep -q "query tcp nginx.viper.test 1 -> 10.0.2.100" "$work/dns.log" ||
    fail_with_log "the DNS fixture was never asked over TCP: $(cat "$work/dns.log")"
  pass "the guest's resolver asked the fixture over TCP"
  wait_file ping.txt 60 "$work/ping" && grep -q ", 3 received" "$work/ping" ||
    fail_with_log "ping of the gateway: $(cat "$work/ping" 2>/dev/null)"
  pass "ping of the gateway: 3 of 3"
  wait_file ifconfig.txt 60 "$work/ifconfig" && grep -q "CONFIGURED,DHCP" "$work/ifconfig" &&
    grep -q "inet 10.0.2.15 " "$work/ifconfig" || fail_with_log "no DHCP lease: $(cat "$work/ifconfig")"
  pass "a DHCP lease: 10.0.2.15"
  finish
  exit 0
fi

# loss5, loss20: the same bytes through a lossy link, then the counters.
start=$(date +%s.%N)
status=$(curl -sS -m 900 -o "$work/dl/big" -w '%{http_code}' "$base/big.bin")
[[ $status == 200 && $(sha "$work/dl/big") == "$want" ]] || fail_with_log "download: $status"
pass "16 MiB down intact ($(python3 -c "print('%.1f' % ($(date +%s.%N) - $start))") s)"
status=$(curl -sS -m 900 -o /dev/null -w '%{http_code}' -T "$big" "$base/up.bin")
curl -sS -m 900 -o "$work/dl/up" "$base/up.bin"
[[ $status == 201 && $(sha "$work/dl/up") == "$want" ]] || fail_with_log "upload: $status"
pass "16 MiB up intact, downloaded again equal"
put_marker snapshot
wait_file counters.txt 60 "$work/counters.txt" || fail_with_log "no counters"
retransmits=$(awk '$1 == "tcp_retransmits" {print $2}' "$work/counters.txt")
[[ ${retransmits:-0} -gt 0 ]] || fail_with_log "tcp_retransmits is '${retransmits:-}': no recovery seen"
pass "tcp_retransmits $retransmits: the loss was recovered from"
finish
