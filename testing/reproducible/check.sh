#!/usr/bin/env bash
# Two builds of the kernel image from clean output bases, in two checkouts at
# different paths, must give byte-identical ELFs (debug info included).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
root=$(workspace_root)
copy=$(mktemp -d "${TMPDIR:-/tmp}/viperdos-src.XXXXXX")
trap 'cleanup_output_bases; rm -rf "$copy"' EXIT

# The second checkout: the same files at another path.
tar -C "$root" --exclude='./bazel-*' --exclude='./.git' -cf - . | tar -C "$copy" -xf -

new_output_base ob1
new_output_base ob2

build_kernel() {  # $1 = checkout, $2 = output base; copies the image to $2.elf
  (cd "$1" && bazel --output_base="$2" build --disk_cache= //kernel:image >"$2.log" 2>&1) ||
    { cat "$2.log"; fail "kernel build in $1 failed"; }
  cp -L "$(cd "$1" && bazel --output_base="$2" info bazel-bin 2>/dev/null)/kernel/image.elf" "$2.elf"
}

build_kernel "$root" "$ob1"
build_kernel "$copy" "$ob2"
if ! cmp "$ob1.elf" "$ob2.elf"; then
  fail "kernel images differ between builds"
fi
echo "PASS: kernel image is reproducible ($(sha256sum "$ob1.elf" | cut -d' ' -f1))"
