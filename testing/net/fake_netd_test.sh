#!/usr/bin/env bash
# ping, ifconfig and netstat's output, exactly, over the made-up netd of
# userland/net_utils/tests/fake_net.c (which says what it answers).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
ping=$(net_program ping_host)
ifconfig=$(net_program ifconfig_host)
netstat=$(net_program netstat_host)
failed=0
check() { # WANT_STATUS WANT_STDOUT COMMAND...
  local want_status=$1 want=$2 got status
  shift 2
  got=$("$@" 2>&1); status=$?
  if [[ $status != "$want_status" || $got != "$want" ]]; then
    echo "FAIL: $*: status $status, output:"
    echo "$got"
    echo "--- wanted status $want_status, output:"
    echo "$want"
    failed=1
  else
    echo "PASS: $*"
  fi
}

check 0 "PING 127.0.0.1 (127.0.0.1): 56 data bytes
64 bytes from 127.0.0.1: icmp_seq=1 time=0.250 ms
64 bytes from 127.0.0.1: icmp_seq=2 time=1.500 ms
--- 127.0.0.1 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss
round-trip min/avg/max = 0.250/0.875/1.500 ms" "$ping" -i 0 -c 2 127.0.0.1
check 0 "PING 10.0.2.97 (10.0.2.97): 100 data bytes
108 bytes from 10.0.2.97: icmp_seq=1 time=0.250 ms
Request timeout for icmp_seq 2
--- 10.0.2.97 ping statistics ---
2 packets transmitted, 1 received, 50% packet loss
round-trip min/avg/max = 0.250/0.250/0.250 ms" "$ping" -i 0 -c 2 -s 100 10.0.2.97
check 1 "PING 10.0.2.99 (10.0.2.99): 56 data bytes
Request timeout for icmp_seq 1
--- 10.0.2.99 ping statistics ---
1 packets transmitted, 0 received, 100% packet loss" "$ping" -c 1 10.0.2.99
check 1 "PING 10.0.2.98 (10.0.2.98): 56 data bytes
From 10.0.2.98 icmp_seq=1 Destination Host Unreachable
--- 10.0.2.98 ping statistics ---
1 packets transmitted, 0 received, 100% packet loss" "$ping" -c 1 10.0.2.98
check 1 "PING 127.0.0.1 (127.0.0.1): 56 data bytes
ping: cannot ping 127.0.0.1: Network is down" env FAKE_NET_DOWN=1 "$ping" -c 1 127.0.0.1
check 1 "ping: no.such.name.invalid: Name or service not known" "$ping" no.such.name.invalid
for bad in "" "-c 0 h" "-s 1473 h" "-W 0 h" "-c x h" "a b"; do
  # shellcheck disable=SC2086
  "$ping" $bad >/dev/null 2>&1; status=$?
  [[ $status == 2 ]] && echo "PASS: ping $bad: 2" || { echo "FAIL: ping $bad: $status"; failed=1; }
done

check 0 "eth0: flags=7<UP,CONFIGURED,DHCP> mtu 1500
        inet 10.0.2.15 netmask 255.255.255.0 gateway 10.0.2.2 dns 10.0.2.3
        lease 86000 s left
        ether 52:54:00:12:34:56
        RX 10 frames, 2000 bytes, 1 dropped
        TX 12 frames, 1800 bytes
        device errors 0, resets 0, dropped on purpose 3" "$ifconfig"
check 1 "ifconfig: eth1: no such interface" "$ifconfig" eth1
check 1 "ifconfig: no network (is netd running?): Network is down" env FAKE_NET_DOWN=1 "$ifconfig"
"$ifconfig" -a >/dev/null 2>&1; [[ $? == 2 ]] && echo "PASS: ifconfig -a: 2" || { echo "FAIL: ifconfig -a"; failed=1; }

check 0 "Proto Local Address         Foreign Address       State         Recv-Q  Send-Q
tcp   0.0.0.0:80            *:*                   LISTEN             0       0
tcp   10.0.2.15:80          10.0.2.2:40000        ESTABLISHED       10      20
tcp   10.0.2.15:80          10.0.2.2:39999        TIME_WAIT          0       0 orphan
udp   10.0.2.15:68          *:*                                      0       0" "$netstat"
# 150 counters: more than the first buffer, so netstat must ask again.
got=$("$netstat" -s)
[[ $(wc -l <<<"$got") == 150 && $(head -1 <<<"$got") == "tcp_retransmits                          42" &&
   $(tail -1 <<<"$got" | awk '{print $2}') == 149 ]] &&
  echo "PASS: netstat -s: all 150 counters" || { echo "FAIL: netstat -s"; echo "$got" | head; failed=1; }
check 1 "netstat: no network (is netd running?): Network is down" env FAKE_NET_DOWN=1 "$netstat" -s
"$netstat" extra >/dev/null 2>&1; [[ $? == 2 ]] && echo "PASS: netstat extra: 2" || { echo "FAIL: netstat extra"; failed=1; }
exit $failed
