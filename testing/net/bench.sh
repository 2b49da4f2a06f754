#!/usr/bin/env bash
# Throughput and request latency of an httpd at BASE_URL that serves a
# 16 MiB /big.bin and a small /hello.txt, as curl sees them: the numbers
# of docs/performance.md's network section (host loopback, or the guest
# through QEMU's hostfwd: guest_peer_test.sh's setup).
#
#   bench.sh BASE_URL [RUNS]     (BENCH_GETS, BENCH_KEEPALIVE: fewer requests)
set -uo pipefail
base=$1
runs=${2:-5}
gets=${BENCH_GETS:-100} keepalive=${BENCH_KEEPALIVE:-500}
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

rate=$(for ((i = 0; i < runs; i++)); do
  curl -sS -o /dev/null -w '%{speed_download}\n' "$base/big.bin"
done | awk '{print $1 / 1048576}' | median)
printf 'download 16 MiB: %.1f MiB/s (median of %d)\n' "$rate" "$runs"

# A new connection per request: connect, GET, answer, close.
ms=$(for ((i = 0; i < gets; i++)); do
  curl -sS -o /dev/null -w '%{time_total}\n' "$base/hello.txt"
done | awk '{print $1 * 1000}' | median)
printf 'small GET, new connection: %.2f ms (median of %d)\n' "$ms" "$gets"

# One kept-alive connection: 500 GETs back to back.
urls=()
for ((i = 0; i < keepalive; i++)); do urls+=("$base/hello.txt"); done
start=$(date +%s.%N)
curl -sS "${urls[@]}" >/dev/null
python3 -c "print('small GETs, one kept-alive connection: %.0f requests/s' % ($keepalive / ($(date +%s.%N) - $start)))"
