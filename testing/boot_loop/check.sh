#!/usr/bin/env bash
# Boot reliability: boots the system on 4 CPUs N times in a row (default 5,
# as CI runs it; `testing/boot_loop/check.sh 50` for the full check). Every
# boot must reach the shell's prompt with all CPUs online and power off
# cleanly when `poweroff` is typed at it.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
runs=${1:-5}
if ! out=$(bazel test --runs_per_test="$runs" --nocache_test_results //kernel:boot_to_prompt_test 2>&1); then
  echo "$out" | tail -20
  fail "at least one of $runs boots failed (logs in bazel-testlogs/kernel/boot_to_prompt_test/run_*)"
fi
echo "PASS: $runs of $runs boots reached the shell prompt with 4 of 4 CPUs online"
