#!/bin/sh
# files_disk_test.sh HARNESS KERNEL INITRD IMAGE: boots ViperDOS on a fresh
# copy of IMAGE kept after the run (--disk_in_place), with init running
# etc/files-test.conf (fsd mounts the disk, bin/files_test works on it),
# then checks the image from outside: e2fsck finds it clean, and the file
# files_test left reads back byte-exact through debugfs.
set -eu
PATH=$PATH:/usr/sbin:/sbin
harness=$1 kernel=$2 initrd=$3 image=$4
fail() { echo "FAIL: $*" >&2; exit 1; }
work=${TEST_TMPDIR:-$(mktemp -d)}
copy=$work/files_disk.img
cp "$image" "$copy"
chmod u+w "$copy"
"$harness" --kernel="$kernel" --initrd="$initrd" --timeout=240s \
  --append="init=bin/init initarg=etc/files-test.conf" \
  --expect="init: disk 0 mounted by bin/fsd,KTEST-SUMMARY passed=,failed=0,init: powering off" \
  --disk="$copy" --disk_in_place || fail "the boot failed (its log is above)"
e2fsck -fn "$copy" >"$work/e2fsck.out" 2>&1 || {
  cat "$work/e2fsck.out" >&2
  fail "e2fsck -fn finds the image unclean after the run"
}
printf 'written by files_test on ViperDOS\nand appended\n' >"$work/expected"
debugfs -R "cat /home/user/files_test.txt" "$copy" 2>/dev/null >"$work/got"
cmp "$work/expected" "$work/got" || fail "/home/user/files_test.txt differs: $(od -c "$work/got" | head)"
# What the test removed is gone; what it left is there.
debugfs -R "ls /tmp" "$copy" 2>/dev/null | grep -q "many" && fail "/tmp/many was not removed"
debugfs -R "cat /tmp/ft/rel006" "$copy" 2>/dev/null >"$work/rel006"
printf 'Short\n' | cmp - "$work/rel006" || fail "REL-006: /tmp/ft/rel006 keeps an old tail"
echo "1 passed, 0 failed"
