#!/bin/bash
# corrupt_test.sh HARNESS KERNEL INITRD [CASE...]: corrupt images booted in
# the guest (//kernel:disk_corrupt_test). A good 1 KiB-block image is made
# with mke2fs -d, and each case damages a copy with debugfs (ssv, sif,
# zap_block, ln) or by writing a block itself, then boots ViperDOS on it
# with etc/disk-corrupt-test.conf: fsd mounts the disk or refuses it with
# a clear message, bin/disk_corrupt_test walks, reads and changes what "/"
# is, and the shell runs afterwards. Every case must end with the walk and
# the changes done, the shell answering and init powering off cleanly
# (never a panic, a crash or a hang: the harness's timeout), and show the
# console lines its damage must cause.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin
harness=$1 kernel=$2 initrd=$3
shift 3
only=("$@")
work=${TEST_TMPDIR:-$(mktemp -d)}
fail() { echo "FAIL: $*" >&2; exit 1; }

# The good image: a file, a directory with a subdirectory, files for the
# block-pointer damage (/victims: truncated and removed by the guest), and
# /loop/inner for a directory loop.
tree=$work/tree
rm -rf "$tree"
mkdir -p "$tree/dir/sub" "$tree/victims" "$tree/loop/inner"
echo hello >"$tree/file"
for i in 0 1 2 3 4 5 6 7 8 9; do echo "entry $i" >"$tree/dir/a$i"; done
head -c 307200 /dev/urandom >"$tree/victims/indirect" # direct, single, double
head -c 20480 /dev/urandom >"$tree/victims/selfind"   # direct and single
head -c 5120 /dev/urandom >"$tree/victims/badptr"
good=$work/good.img
rm -f "$good"
truncate -s 8M "$good"
mke2fs -q -F -t ext2 -b 1024 -d "$tree" "$good"
e2fsck -fn "$good" >/dev/null || fail "the good image is not clean"

# BLOCK FILE LEVEL: the block number of FILE's indirect block of LEVEL
# (IND, DIND) as debugfs lists it.
indirect_block() {
  debugfs -R "stat $1" "$good" 2>/dev/null | tr ',' '\n' | sed -n "s/^ *($2):\([0-9]*\).*/\1/p" | head -n1
}
# Fills block BLOCK of IMAGE with its own number: an indirect block whose
# every pointer is itself.
point_at_itself() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
image, block = sys.argv[1], int(sys.argv[2])
with open(image, "r+b") as f:
    f.seek(block * 1024)
    f.write(struct.pack("<I", block) * 256)
PY
}

# Writes the 16-bit VALUE at byte OFFSET of IMAGE (debugfs's ssv will not
# set the magic).
poke16() {
  python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
image, offset, value = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
with open(image, "r+b") as f:
    f.seek(offset)
    f.write(struct.pack("<H", value))
PY
}

ind=$(indirect_block /victims/selfind IND)
dind=$(indirect_block /victims/indirect DIND)
[[ -n $ind && -n $dind ]] || fail "debugfs shows no indirect blocks in the good image"

# name|debugfs -w commands (';'-separated), or !FUNCTION ARG... (called
# with the image first)|expected
# console lines ('|'-free, ','-free; '&'-separated)
cases=(
  "magic|!poke16 1080 0x1234|fsd: cannot mount the disk: not ext2: bad magic (0x1234)&init: bin/fsd did not mount disk 0"
  "block_size|ssv log_block_size 7|fsd: cannot mount the disk: block size not 1&init: bin/fsd did not mount disk 0"
  "blocks_count|ssv blocks_count 0x7fffffff|fsd: cannot mount the disk: corrupt: the file system is larger than the disk"
  "inodes_count|ssv inodes_count 12345|fsd: cannot mount the disk: corrupt: inode count"
  "first_data_block|ssv first_data_block 0|fsd: cannot mount the disk: corrupt: first data block"
  "blocks_per_group|ssv blocks_per_group 0|fsd: cannot mount the disk: corrupt: blocks per group"
  "incompat_extents|ssv feature_incompat 0x42|fsd: cannot mount the disk: refused: unsupported incompatible features (0x40)"
  "incompat_flex_bg|ssv feature_incompat 0x202|fsd: mounted read-only: incompatible features fsd does not write&/probe: create: Read-only file system"
  "ro_compat_huge_file|ssv feature_ro_compat 0xb|fsd: mounted read-only: unsupported read-only-compatible features (0x8)&/probe: create: Read-only file system"
  "block_pointer_out_of_range|sif /victims/badptr block[0] 0xfffffff0;sif /file block[0] 0x7fffffff|/victims/badptr: read: &/file: read: "
  "rec_len_zero|zap_block -f /dir -o 16 -l 2 -p 0 0|disk_corrupt_test: /dir: "
  "rec_len_overruns_the_block|zap_block -f /dir -o 16 -l 2 -p 0xff 0|disk_corrupt_test: /dir: "
  "directory_size_beyond_its_blocks|sif /dir size 0x40000000|disk_corrupt_test: /dir: "
  "looped_directory|ln /loop /loop/inner/back|a directory met twice (a loop)"
  "indirect_block_points_at_itself|!point_at_itself $ind|/victims/selfind: truncate: I/O error"
  "double_indirect_points_at_itself|!point_at_itself $dind|/victims/indirect: truncate: I/O error"
  "inode_with_extent_flag|sif /file flags 0x80000|/file: read: "
)

names=" "
for entry in "${cases[@]}"; do names+="${entry%%|*} "; done
for name in "${only[@]}"; do
  [[ $names == *" $name "* ]] || fail "no case '$name' (the cases:$names)"
done

passed=0
for entry in "${cases[@]}"; do
  IFS='|' read -r name commands expected <<<"$entry"
  if [[ ${#only[@]} -gt 0 && ! " ${only[*]} " =~ " $name " ]]; then continue; fi
  echo "== $name: $commands"
  image=$work/$name.img
  cp "$good" "$image"
  if [[ $commands == !* ]]; then
    # shellcheck disable=SC2086
    set -- ${commands#!}
    function=$1
    shift
    "$function" "$image" "$@"
  else
    tr ';' '\n' <<<"$commands" | debugfs -w -f - "$image" >"$work/debugfs.out" 2>&1
    if grep -E "invalid|not found|[Uu]sage|Couldn't|error" "$work/debugfs.out"; then
      fail "$name: debugfs cannot damage the image"
    fi
  fi
  want="disk_corrupt_test: walked ,disk_corrupt_test: changes done,the shell still answers,init: powering off,${expected//&/,}"
  "$harness" --kernel="$kernel" --initrd="$initrd" --timeout=180s \
    --append="init=bin/init initarg=etc/disk-corrupt-test.conf" \
    --expect="$want" --disk="$image" --disk_in_place || fail "$name: the guest did not cope (above)"
  rm -f "$image"
  passed=$((passed + 1))
done
echo "$passed passed, 0 failed"
