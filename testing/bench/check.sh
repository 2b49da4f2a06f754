#!/usr/bin/env bash
# The side-by-side benchmark must keep running: boots ViperDOS and Linux once
# each with the benchmark's iterations / 50 (guest_bench.py --smoke, about
# 20 s once the Linux kernel is in the cache) and checks that both finish.
# Asserts no figure and no ratio: CI hosts are too noisy for that.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
if ! out=$(python3 testing/bench/guest_bench.py --smoke 2>&1); then
  echo "$out" | tail -30
  fail "guest_bench --smoke: a system did not finish its benchmark"
fi
echo "$out" | grep -E '^\|' || true
echo "PASS: ViperDOS and Linux both ran every figure of userland/bench"
