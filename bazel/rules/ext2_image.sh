#!/bin/sh
# ext2_image.sh OUT SIZE_KIB BLOCK LABEL UUID HASH_SEED (SRC DEST)...: an ext2
# image of SIZE_KIB KiB (BLOCK-byte blocks) whose tree is each SRC file
# at DEST (directories implied; a DEST ending in "/.keep" makes its
# directory and nothing else), every inode owned by 0:0 with the times of
# FAKE_TIME, so the same inputs give the same bytes (ext2_image.bzl).
set -eu
# e2fsprogs lives in /usr/sbin, which a build's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin
out=$1 size=$2 block=$3 label=$4 uuid=$5 seed=$6
shift 6
# mke2fs stamps the superblock and the root with this instead of now.
FAKE_TIME=1700000000
export E2FSPROGS_FAKE_TIME=$FAKE_TIME
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
while [ $# -ge 2 ]; do
  mkdir -p "$tree/$(dirname "$2")"
  if [ -d "$1" ]; then mkdir -p "$tree/$2"; else cp "$1" "$tree/$2"; fi
  chmod u+w,go-w "$tree/$2"
  shift 2
done
# Each directory of the tree that a ".keep" marks stays, empty.
find "$tree" -name .keep -delete
rm -f "$out"
truncate -s "${size}k" "$out"
mke2fs -q -F -t ext2 -b "$block" -I 256 -L "$label" -U "$uuid" \
  -E "hash_seed=$seed,root_owner=0:0" -d "$tree" "$out" "${size}k"
# -d copies the builder's uid and times: make them the image's own.
cmds=$(mktemp)
(cd "$tree" && find . -mindepth 1 | sort) | while read -r p; do
  p=${p#.}
  for field in uid gid; do echo "sif \"$p\" $field 0"; done
  for field in atime mtime ctime; do echo "sif \"$p\" $field $FAKE_TIME"; done
done >"$cmds"
debugfs -w -f "$cmds" "$out" >/dev/null 2>&1
rm -f "$cmds"
e2fsck -fn "$out" >/dev/null
