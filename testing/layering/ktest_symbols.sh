#!/usr/bin/env bash
# Usage: ktest_symbols.sh absent|present KERNEL.elf
# `absent`: the kernel ELF holds no ktest code, neither a case in the
# `ktests` section nor a symbol of the ktest framework (viper::ktest::) or
# of a KTEST (ktest_case_*). The production //kernel:image must pass.
# `present`: the opposite, for the test image: proves the check can see them.
set -euo pipefail
mode=$1
elf=$2
nm=$(command -v llvm-nm-19 || command -v llvm-nm) || { echo "FAIL: no llvm-nm" >&2; exit 1; }
readelf=$(command -v llvm-readelf-19 || command -v llvm-readelf) ||
  { echo "FAIL: no llvm-readelf" >&2; exit 1; }

# The linker script always defines the section (with __start/__stop_ktests);
# what matters is whether anything is in it.
# Columns after the name: type, address, offset, size (hex).
size_hex=$("$readelf" -S --wide "$elf" |
  awk '{ for (i = 1; i < NF; ++i) if ($i == "ktests") print $(i + 4) }')
section_size=$((16#${size_hex:-0}))
symbols=$("$nm" -C "$elf" | grep -E 'viper::ktest::|ktest_case_' || true)
count=$(grep -c . <<<"$symbols" || true)

case "$mode" in
  absent)
    [[ "${section_size:-0}" -eq 0 ]] || { echo "FAIL: $elf has ${section_size} bytes of ktest cases" >&2; exit 1; }
    [[ "$count" -eq 0 ]] || { echo "FAIL: $elf has ktest symbols:" >&2; echo "$symbols" | head -20 >&2; exit 1; }
    echo "PASS: $elf has no ktest cases and no ktest symbols"
    ;;
  present)
    [[ "${section_size:-0}" -gt 0 ]] || { echo "FAIL: $elf has no ktest cases" >&2; exit 1; }
    [[ "$count" -gt 0 ]] || { echo "FAIL: $elf has no ktest symbols" >&2; exit 1; }
    echo "PASS: $elf has ${section_size} bytes of ktest cases and $count ktest symbols"
    ;;
  *)
    echo "usage: $0 absent|present KERNEL.elf" >&2
    exit 2
    ;;
esac
