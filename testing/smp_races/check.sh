#!/usr/bin/env bash
# SMP races that show up once in dozens of runs: the scheduler, IPC and VM
# ktests on 4 CPUs, each run N times in a row (default 5, as CI runs it;
# `testing/smp_races/check.sh 100` for a long soak). The second session
# found a scheduler race this way (a running thread put on a run queue,
# about 1 run in 60); a regression of that kind should not hide behind one
# lucky run.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
runs=${1:-5}
targets=(//kernel:sched_smp_4_ktest //kernel:ipc_ktest //kernel:vm_ktest)
if ! out=$(bazel test --runs_per_test="$runs" --nocache_test_results "${targets[@]}" 2>&1); then
  echo "$out" | grep -E "FAIL|VIPER-PANIC" | head -20
  fail "a ktest failed in one of $runs runs (logs in bazel-testlogs/kernel/*/run_*)"
fi
echo "PASS: ${targets[*]} passed $runs runs each"
