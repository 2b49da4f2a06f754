#!/bin/sh
# clients_test.sh HARNESS KERNEL INITRD IMAGE: USER-001 from processes over
# the real disk. ViperDOS boots on a fresh copy of IMAGE kept after the run
# (--disk_in_place) with etc/disk-clients-test.conf: three bin/disk_client
# processes of two client threads each work on private files, one shared
# file and one shared directory at once, and bin/disk_clients_test checks
# the model (userland/tests/disk_clients.h). Then, from outside: e2fsck
# finds the image clean, and debugfs reads the model's bytes and names.
set -eu
PATH=$PATH:/usr/sbin:/sbin
harness=$1 kernel=$2 initrd=$3 image=$4
fail() { echo "FAIL: $*" >&2; exit 1; }
work=${TEST_TMPDIR:-$(mktemp -d)}
copy=$work/clients.img
cp "$image" "$copy"
chmod u+w "$copy"
"$harness" --kernel="$kernel" --initrd="$initrd" --timeout=300s \
  --append="init=bin/init initarg=etc/disk-clients-test.conf" \
  --expect="init: disk 0 mounted by bin/fsd,KTEST-SUMMARY passed=4 failed=0,init: powering off" \
  --disk="$copy" --disk_in_place || fail "the boot failed (its log is above)"
e2fsck -fn "$copy" >"$work/e2fsck.out" 2>&1 || {
  cat "$work/e2fsck.out" >&2
  fail "e2fsck -fn finds the image unclean after the clients"
}
# The model (disk_clients.h): CLIENTS 6, OPS 40, RECORD 64.
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
clients, ops, size = 6, 40, 64
shared = b""
for i in range(ops):
    for k in range(clients):
        r = b"client %d step %d" % (k, i)
        shared += (r + b"." * size)[: size - 1] + b"\n"
open(work + "/shared.want", "wb").write(shared)
open(work + "/private-5.want", "wb").write(b"".join(b"5 %d\n" % i for i in range(ops)))
names = sorted("%d-%d.kept" % (k, i) for k in range(clients) for i in range(1, ops, 2))
open(work + "/names.want", "w").write("\n".join(names) + "\n")
PY
debugfs -R "cat /clients/shared" "$copy" 2>/dev/null >"$work/shared.got"
cmp "$work/shared.want" "$work/shared.got" || fail "/clients/shared differs from the model"
debugfs -R "cat /clients/private-5" "$copy" 2>/dev/null >"$work/private-5.got"
cmp "$work/private-5.want" "$work/private-5.got" || fail "/clients/private-5 differs from the model"
debugfs -R "ls /clients/dir" "$copy" 2>/dev/null | tr -s ' \t' '\n' |
  grep -E '^[0-9]+-[0-9]+' | sort >"$work/names.got" || true
cmp "$work/names.want" "$work/names.got" || fail "/clients/dir's names differ from the model"
echo "1 passed, 0 failed"
