# Shared helpers for the CI check scripts in testing/*/check.sh.

# The workspace root (scripts may be started from anywhere).
workspace_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

fail() { echo "FAIL: $*" >&2; exit 1; }

# A Bazel output base of our own, removed (with its server) on exit, so a
# check starts cold and leaves nothing behind.
# Usage: new_output_base VAR (not in a subshell, or cleanup would miss it).
new_output_base() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/viperdos-ob.XXXXXX")
  CLEANUP_OUTPUT_BASES+=("$dir")
  printf -v "$1" '%s' "$dir"
}
cleanup_output_bases() {
  local dir
  for dir in "${CLEANUP_OUTPUT_BASES[@]}"; do
    bazel --output_base="$dir" shutdown >/dev/null 2>&1 || true
    chmod -R u+w "$dir" 2>/dev/null || true
    rm -rf "$dir" "$dir".*
  done
}
CLEANUP_OUTPUT_BASES=()
