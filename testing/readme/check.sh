#!/usr/bin/env bash
# The READMEs are true:
# 1. every file or directory a package README names exists
#    (check_paths.py says what counts as a name);
# 2. the README's boot command line, run as a person would, boots ViperDOS
#    to user space: init runs bin/sysinfo (a line per CPU) and reports
#    "init: ready"; the system then runs forever, so the run is stopped
#    once that is there. Not anchored to a line's start: the shell,
#    started just before, may print its prompt (no newline) first. (The README's test command line is
#    what .ci/run runs first.)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
if ! stale=$(python3 testing/readme/check_paths.py); then
  echo "$stale"
  fail "package READMEs name files that do not exist"
fi
echo "PASS: every file a package README names exists"
boot=$(testing/readme/quickstart.sh boot)
echo "running: $boot"
log=$(mktemp)
setsid bash -c "$boot" </dev/null >"$log" 2>&1 &
runner=$!
trap 'kill -- -$runner 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 600); do
  if tr -d '\r' <"$log" | grep -q "init: ready"; then break; fi
  kill -0 "$runner" 2>/dev/null || break
  sleep 0.5
done
banner=$(tr -d '\r' <"$log" | grep -E "^ViperDOS [0-9.]+ \(aarch64\): .* 4 of 4 CPUs online" || true)
tr -d '\r' <"$log" | grep -q "init: ready" && [[ -n "$banner" ]] &&
  tr -d '\r' <"$log" | grep -q "^cpu3: online" ||
  { tail -30 "$log"; fail "the README boot command did not reach user space (init: ready)"; }
echo "PASS: '$boot' boots ViperDOS: $banner"
