#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time, starting from its
# checked-in corpus (copied, so the tree is not modified). A crash, a
# sanitizer report or a broken invariant fails the check and the input is
# kept in the log's temporary directory.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
seconds=${FUZZ_SECONDS:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/viperdos-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r testing/fuzz/corpus/ipc "$work/corpus"
mkdir -p "$work/artifacts"
if ! out=$(bazel run --config=fuzz //testing/fuzz:ipc_fuzzer -- -max_total_time="$seconds" \
      -artifact_prefix="$work/artifacts/" "$work/corpus" 2>&1); then
  echo "$out" | grep -vE '^(INFO|Loading|Analyzing|\[)' | tail -30
  fail "ipc_fuzzer found a failure"
fi
runs=$(grep -oE 'Done [0-9]+ runs' <<<"$out" || echo "Done ? runs")
echo "PASS: ipc_fuzzer, ${seconds}s: $runs, no failure"
