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
# target:corpus directory under testing/fuzz/corpus
for pair in ipc_fuzzer:ipc elf_fuzzer:elf boot_archive_fuzzer:boot_archive sh_parser_fuzzer:sh_parser ext2_fuzzer:ext2 netstack_fuzzer:netstack http_fuzzer:http; do
  fuzzer=${pair%%:*}
  corpus=${pair##*:}
  mkdir -p "$work/$fuzzer/artifacts"
  cp -r "testing/fuzz/corpus/$corpus" "$work/$fuzzer/corpus"
  if ! out=$(bazel run --config=fuzz "//testing/fuzz:$fuzzer" -- -max_total_time="$seconds" \
        -artifact_prefix="$work/$fuzzer/artifacts/" "$work/$fuzzer/corpus" 2>&1); then
    echo "$out" | grep -vE '^(INFO|Loading|Analyzing|\[)' | tail -30
    trap - EXIT
    fail "$fuzzer found a failure (inputs kept in $work/$fuzzer/artifacts)"
  fi
  runs=$(grep -oE 'Done [0-9]+ runs' <<<"$out" || echo "Done ? runs")
  echo "PASS: $fuzzer, ${seconds}s: $runs, no failure"
done
