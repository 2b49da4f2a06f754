#!/usr/bin/env bash
# Runs the README's boot command line as a person would and checks that
# ViperDOS boots: the banner appears on the console. (The test command line
# is what .ci/run runs first.)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
boot=$(testing/readme/quickstart.sh boot)
echo "running: $boot"
# A kernel that idles forever is stopped by the timeout; that is fine as
# long as the banner came first.
out=$(timeout 300 bash -c "$boot" </dev/null 2>&1) || true
grep -q "^ViperDOS [0-9.]* (aarch64" <<<"$(tr -d '\r' <<<"$out")" ||
  { echo "$out" | tail -30; fail "the README boot command did not show the ViperDOS banner"; }
echo "PASS: '$boot' boots ViperDOS"
