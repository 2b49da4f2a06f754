#!/usr/bin/env bash
# Prints one of the README's two quick-start command lines, so CI runs
# exactly what the README tells a person to run.
#   testing/readme/quickstart.sh boot|test
set -euo pipefail
readme="$(dirname "$0")/../../README.md"
# The first fenced block after "## Quick start": line 1 boots, line 2 tests.
lines=$(awk '/^## Quick start/ {in_section = 1; next}
             in_section && /^```/ {fence++; if (fence == 2) exit; next}
             in_section && fence == 1 {sub(/[[:space:]]+#.*$/, ""); print}' "$readme")
[[ $(wc -l <<<"$lines") -eq 2 ]] || { echo "README quick start must have exactly two command lines" >&2; exit 1; }
case "${1:-}" in
  boot) sed -n 1p <<<"$lines" ;;
  test) sed -n 2p <<<"$lines" ;;
  *) echo "usage: $0 boot|test" >&2; exit 2 ;;
esac
