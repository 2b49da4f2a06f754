#!/usr/bin/env bash
# Usage: hot_text_check.sh kernel.ld KERNEL.elf
# The round trip's code is packed after the vectors by name (kernel.ld,
# docs/ipc.md "The round trip's pages"). A function renamed or moved to
# another namespace would silently leave the pack and cost a soft-TLB
# fill per switch again: every pattern of the hot list must still place
# a symbol inside [__kernel_hot_text_start, __kernel_hot_text_end), none
# outside it, and the vectors and the pack must stay within four pages.
# A pattern marked `/* may be inlined */` may have no symbol at all (the
# test build inlines it).
set -euo pipefail
script=$1
elf=$2
nm=$(command -v llvm-nm-19 || command -v llvm-nm) || { echo "FAIL: no llvm-nm" >&2; exit 1; }

symbols=$("$nm" "$elf")
address() { awk -v name="$1" '$3 == name { print $1; exit }' <<<"$symbols"; }
text=$((16#$(address __kernel_text_start)))
start=$((16#$(address __kernel_hot_text_start)))
end=$((16#$(address __kernel_hot_text_end)))
[[ $end -gt $start ]] || { echo "FAIL: the hot text is empty" >&2; exit 1; }
[[ $((end - text)) -le $((4 * 4096)) ]] ||
  { echo "FAIL: vectors + hot text are $((end - text)) bytes, more than 4 pages" >&2; exit 1; }

# `*(.text.NAME*)` between the two markers -> the glob NAME*.
hot_list=$(sed -n '/__kernel_hot_text_start = \./,/__kernel_hot_text_end = \./p' "$script")
patterns=$(sed -n 's/^ *\*(\.text\.\([^)]*\))$/\1/p' <<<"$hot_list" | grep -v '^hot\.' || true)
optional=$(sed -n 's/^ *\*(\.text\.\([^)]*\)) *\/\* may be inlined \*\/$/\1/p' <<<"$hot_list")
[[ -n "$patterns" ]] || { echo "FAIL: no hot-text patterns in $script" >&2; exit 1; }
# The assembly sections' functions (.text.hot.*).
required="arch_switch_context arch_copy_from_user arch_copy_to_user"

# Where the symbols matching a glob are: in (all inside the pack), out
# (one outside it) or none.
place() {
  local glob=$1 addr name where=none
  while read -r addr _ name; do
    # shellcheck disable=SC2053  # the glob is the point
    if [[ $name == $glob ]]; then
      local a=$((16#$addr))
      if [[ $a -ge $start && $a -lt $end ]]; then where=in; else echo out; return; fi
    fi
  done <<<"$symbols"
  echo "$where"
}

failed=0
for glob in $patterns $required $optional; do
  where=$(place "$glob")
  if [[ $where == out ]]; then
    echo "FAIL: a symbol matching '$glob' is outside the hot text" >&2
    failed=1
  elif [[ $where == none ]] && ! grep -qxF "$glob" <<<"$optional"; then
    echo "FAIL: no symbol matching '$glob' (renamed? update kernel.ld)" >&2
    failed=1
  fi
done
[[ $failed -eq 0 ]] || exit 1
echo "PASS: the hot list's $(wc -w <<<"$patterns $required $optional") functions in $((end - start)) bytes after the vectors"
