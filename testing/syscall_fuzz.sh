#!/usr/bin/env bash
# The system-call fuzzer for longer than CI's 10 s (//kernel:
# syscall_fuzz_user_test): `testing/syscall_fuzz.sh 600` boots the same
# kernel, boot archive and harness, with the fuzz test started as
# bin/syscall_fuzz_test_600 (it takes its seconds from its name: the kernel
# gives init no arguments), and passes when it did: no panic, the fuzzer
# ended with 0, memory, processes and threads back at their baseline.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(workspace_root)"
seconds=${1:-}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || fail "usage: testing/syscall_fuzz.sh SECONDS"

bazel build //kernel:syscall_fuzz_user_test //kernel:image_img //userland:initrd
bin=$(bazel info bazel-bin)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/root"
(cd "$work/root" && cpio --quiet -id <"$bin/userland/initrd.cpio" &&
  cp bin/syscall_fuzz_test "bin/syscall_fuzz_test_$seconds" &&
  find . -mindepth 1 | LC_ALL=C sort |
  cpio --quiet -o -H newc --reproducible --owner=0:0 >"$work/initrd.cpio")
# The harness's flags as the qemu_test passes them, with a longer boot.
"$bin/kernel/syscall_fuzz_user_test" \
  --kernel="$bin/kernel/image.img" --smp=4 --mem=512M \
  --initrd="$work/initrd.cpio" \
  --append="init=bin/syscall_fuzz_test_$seconds" \
  --timeout="$((seconds * 2 + 120))s" \
  --expect="KTEST-SUMMARY passed="
