#!/usr/bin/env bash
# RC-014 at compile time: calling a function that REQUIRES a lock without
# holding it must be a build error (-Werror=thread-safety on every build).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$(workspace_root)"
target=//testing/thread_safety:unguarded_access_demo
if out=$(bazel build "$target" 2>&1); then
  fail "$target compiled; thread-safety analysis is not enforced"
fi
grep -q "calling function 'enqueue_locked' requires holding spinlock 'queue.lock_' exclusively" <<<"$out" ||
  { echo "$out" | tail -20; fail "$target failed, but not with the thread-safety error"; }
echo "PASS: calling a REQUIRES(lock) function without the lock is a compile error"
