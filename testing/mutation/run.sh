#!/usr/bin/env bash
# The mutation check: every seeded bug of manifest.txt (a hazard of
# ../shared/spec/viperdos-bug-report.md brought back as a small patch) must
# make its named targets fail. A surviving mutation is a bug in the tests.
#
# Usage: testing/mutation/run.sh [--all-ktests] [--list] [SELECTOR...]
#   SELECTOR: a hazard ID (RC-005 or RC005) or a patch name; none = every
#   test and compile mutation plus a rotating subset of the ktest ones
#   (MUTATION_KTESTS of them, default 1; --all-ktests runs them all).
#
# One scratch copy of the tree (MUTATION_SCRATCH, default under $TMPDIR) is
# reused for every mutation: a patch is applied, the targets are built and
# run incrementally (the shared disk cache of --config=ci), and the touched
# files are copied back before the next one. Prints one line per mutation
#   KILLED <id> <name> (<how>) | SURVIVED <id> <name> (<why>) |
#   BROKEN <id> <name> (<why>)
# and ends with "N killed, N survived" (broken ones count as survived).
# Exits non-zero unless every mutation was killed.
set -uo pipefail
set -f  # manifest options such as filter=Suite.* are not globs
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
manifest=$here/manifest.txt

all_ktests=0
list_only=0
selectors=()
for arg in "$@"; do
  case "$arg" in
    --all-ktests) all_ktests=1 ;;
    --list) list_only=1 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) selectors+=("$arg") ;;
  esac
done

# --- the manifest -------------------------------------------------------
# One mutation per line: ID PATCH KIND TARGET... [OPTION=VALUE...]
ids=() patches=() kinds=() targets=() options=()
while read -r line; do
  line=${line%%#*}
  [[ -z "${line// /}" ]] && continue
  read -r -a words <<<"$line"
  if [[ ${#words[@]} -lt 4 ]]; then
    echo "BROKEN manifest line: $line (need: ID PATCH KIND TARGET...)"
    exit 2
  fi
  ids+=("${words[0]}") patches+=("${words[1]}") kinds+=("${words[2]}")
  t="" o=""
  for w in "${words[@]:3}"; do
    if [[ "$w" == //* ]]; then t+="$w "; else o+="$w "; fi
  done
  targets+=("$t") options+=("$o")
done <"$manifest"

# The patch's slug; a ktest judging of a patch shared with a host test is "<slug>@ktest".
name_of() {
  local p=${patches[$1]%.patch}
  echo "${p#*-}$([[ "${kinds[$1]}" == ktest ]] && echo @ktest)"
}
option() {  # option INDEX KEY -> value or empty
  local w
  for w in ${options[$1]}; do [[ "$w" == "$2="* ]] && { echo "${w#*=}"; return; }; done
}
matches() {  # matches INDEX SELECTOR
  local sel=${2//-/} id=${ids[$1]//-/}
  [[ "${sel^^}" == "${id^^}" || "$2" == "${patches[$1]}" || "$2" == "${patches[$1]%.patch}" ||
    "$2" == "$(name_of "$1")" ]]
}

selected=()
ktest_indexes=()
for i in "${!ids[@]}"; do
  if [[ ${#selectors[@]} -gt 0 ]]; then
    for s in "${selectors[@]}"; do matches "$i" "$s" && { selected+=("$i"); break; }; done
  elif [[ "${kinds[$i]}" == ktest ]]; then
    ktest_indexes+=("$i")
  else
    selected+=("$i")
  fi
done
# QEMU ktest mutations are slow: a rotating subset per run (by day), all
# of them over a few days.
if [[ ${#ktest_indexes[@]} -gt 0 ]]; then
  if [[ $all_ktests -eq 1 ]]; then
    selected+=("${ktest_indexes[@]}")
  else
    slots=${MUTATION_KTESTS:-1}
    n=${#ktest_indexes[@]}
    [[ $slots -gt $n ]] && slots=$n
    start=$(((10#$(date +%j) * slots) % n))
    for ((k = 0; k < slots; k++)); do selected+=("${ktest_indexes[$(((start + k) % n))]}"); done
  fi
fi
if [[ ${#selected[@]} -eq 0 ]]; then
  echo "no mutation matches: ${selectors[*]}"
  echo "0 killed, 1 survived"
  exit 1
fi

if [[ $list_only -eq 1 ]]; then
  for i in "${selected[@]}"; do
    printf '%-9s %-44s %-6s %s%s\n' "${ids[$i]}" "$(name_of "$i")" "${kinds[$i]}" "${targets[$i]}" \
      "${options[$i]}"
  done
  exit 0
fi

# --- the scratch copy -----------------------------------------------------
scratch=${MUTATION_SCRATCH:-${TMPDIR:-/tmp}/viperdos-mutation-$(id -u)/$(echo "$root" | cksum | cut -d' ' -f1)}
mkdir -p "$scratch"
# Everything git knows (committed or not), without .git and bazel-*; the
# local bazelrc files too, so the scratch build shares the disk cache.
find "$scratch" -mindepth 1 -maxdepth 1 ! -name 'bazel-*' -exec rm -rf {} +
(cd "$root" && { git ls-files -co --exclude-standard -z; printf '%s\0' user.bazelrc .remote-cache.bazelrc; } |
  xargs -0 -I{} sh -c 'test -f "{}" && printf "%s\0" "{}"' |
  tar --null -T - -cf -) | (cd "$scratch" && tar -xf -) || { echo "BROKEN: cannot copy the tree"; exit 2; }
trap '(cd "$scratch" && bazel shutdown >/dev/null 2>&1)' EXIT

restore() {  # restore PATCHFILE: copy the files it touches back from the tree
  local f
  while read -r f; do
    [[ -z "$f" ]] && continue
    if [[ -f "$root/$f" ]]; then cp "$root/$f" "$scratch/$f"; else rm -f "$scratch/$f"; fi
  done < <(cd "$scratch" && git apply --numstat "$1" 2>/dev/null | cut -f3)
}

bazel_in_scratch() { (cd "$scratch" && bazel "$@"); }

# Which tests failed, for the report: gtest names, else the target status.
how_failed() {  # how_failed LOG
  local names status
  names=$(grep -oE '^\[  FAILED  \] [A-Za-z0-9_/]+\.[A-Za-z0-9_/]+' "$1" | awk '{print $4}' |
    sort -u | head -3 | paste -sd, -)
  [[ -z "$names" ]] && names=$(grep -oE 'KTEST FAIL [A-Za-z0-9_.]+' "$1" | awk '{print "ktest " $3}' |
    sort -u | head -3 | paste -sd, -)
  status=$(grep -oE '^//[^ ]+ +.*(FAILED|TIMEOUT|NO STATUS|INCOMPLETE)' "$1" |
    awk '{print $1 " " $2}' | head -2 | paste -sd, -)
  local why=""
  grep -q 'ThreadSanitizer: data race' "$1" && why="TSan data race; "
  grep -q 'AddressSanitizer' "$1" && why="ASan: $(grep -m1 -oE 'AddressSanitizer: [a-z-]+' "$1" | cut -d' ' -f2); "
  grep -q 'HostParking.LostWakeup' "$1" && why="lost wakeup; "
  if grep -qE '^//[^ ]+ +.*TIMEOUT' "$1"; then
    echo "TIMEOUT: $status"
  elif [[ -n "$names" ]]; then
    echo "$why$names"
  elif crashed=$(grep -oE '^\[ RUN      \] [A-Za-z0-9_/.]+' "$1" | tail -1 | awk '{print $4}') &&
    [[ -n "$crashed" ]]; then
    panic=$(grep -m1 -oE 'VIPER-PANIC: .*' "$1" | cut -c1-90)
    echo "$why${panic:+$panic; }ended inside $crashed"
  else
    echo "$why${status:-test failed}"
  fi
}

# --- baseline: the named targets must pass before any mutation ----------
start_time=$(date +%s)
base_targets=$(for i in "${selected[@]}"; do [[ "${kinds[$i]}" != compile ]] && echo "${targets[$i]}"; done |
  tr ' ' '\n' | sort -u | grep . | tr '\n' ' ')
if [[ -n "$base_targets" ]]; then
  echo "== baseline: $base_targets"
  log=$(mktemp)
  if ! bazel_in_scratch test --test_tag_filters= -- $base_targets >"$log" 2>&1; then
    grep -E '^//|FAILED|ERROR' "$log" | head -30
    echo "BROKEN baseline: the unmutated targets fail; no mutation can be judged"
    echo "0 killed, ${#selected[@]} survived"
    exit 1
  fi
  rm -f "$log"
fi

# --- each mutation --------------------------------------------------------
killed=0 survived=0 broken=0
# Every patch must still apply, also the ktest ones this run's rotation
# skips: a change to the code under a patch shows the day it lands, not
# the day the rotation reaches the patch.
for i in "${!ids[@]}"; do
  [[ " ${selected[*]} " == *" $i "* ]] && continue
  [[ ${#selectors[@]} -gt 0 ]] && continue
  patch=$here/${patches[$i]}
  if [[ ! -f "$patch" ]] || ! out=$(cd "$scratch" && git apply --check "$patch" 2>&1); then
    echo "BROKEN ${ids[$i]} $(name_of "$i") (not run today, and the patch does not apply)"
    broken=$((broken + 1))
  fi
done
for i in "${selected[@]}"; do
  id=${ids[$i]} name=$(name_of "$i") kind=${kinds[$i]} patch=$here/${patches[$i]}
  if [[ ! -f "$patch" ]]; then
    echo "BROKEN $id $name (no such patch: ${patches[$i]})"; broken=$((broken + 1)); continue
  fi
  if ! out=$(cd "$scratch" && git apply --check "$patch" 2>&1); then
    echo "BROKEN $id $name (patch does not apply: $(head -1 <<<"$out"))"
    broken=$((broken + 1)); continue
  fi
  (cd "$scratch" && git apply "$patch")
  log=$(mktemp)
  t0=$(date +%s)
  flags=()
  config=$(option "$i" config) filter=$(option "$i" filter) timeout=$(option "$i" timeout)
  [[ -n "$config" ]] && flags+=("--config=$config")
  if [[ "$kind" == compile ]]; then
    bazel_in_scratch build --keep_going "${flags[@]}" -- ${targets[$i]} >"$log" 2>&1
  else
    [[ -n "$filter" ]] && flags+=("--test_filter=$filter")
    flags+=("--test_timeout=${timeout:-120}")
    bazel_in_scratch test --test_tag_filters= "${flags[@]}" -- ${targets[$i]} >"$log" 2>&1
  fi
  rc=$?
  secs=$(($(date +%s) - t0))
  expect=$(option "$i" expect)
  case "$kind:$rc" in
    compile:1)
      if [[ -n "$expect" ]] && ! grep -qE -- "$expect" "$log"; then
        echo "SURVIVED $id $name (invalid: the build failed, but not with /$expect/)"
        survived=$((survived + 1))
      else
        echo "KILLED $id $name (compile error, expected: $(grep -m1 -oE 'error: .*' "$log" | cut -c1-100)) [${secs}s]"
        killed=$((killed + 1))
      fi ;;
    compile:0)
      echo "SURVIVED $id $name (it compiles; the design was to refuse it at compile time)"
      survived=$((survived + 1)) ;;
    test:3 | ktest:3)
      echo "KILLED $id $name ($(how_failed "$log")) [${secs}s]"; killed=$((killed + 1)) ;;
    test:0 | ktest:0)
      echo "SURVIVED $id $name (${targets[$i]% } passed)"; survived=$((survived + 1)) ;;
    test:1 | ktest:1)
      echo "SURVIVED $id $name (invalid: the mutant does not build: $(grep -m1 -oE 'error: .*' "$log" | cut -c1-100))"
      survived=$((survived + 1)) ;;
    *)
      echo "BROKEN $id $name (bazel exit $rc)"; tail -5 "$log"; broken=$((broken + 1)) ;;
  esac
  [[ -n "${MUTATION_KEEP_LOGS:-}" ]] && cp "$log" "$MUTATION_KEEP_LOGS/${id}-${name}.log"
  rm -f "$log"
  restore "$patch"
  (cd "$scratch" && git apply -R --check "$patch" >/dev/null 2>&1) &&
    { echo "BROKEN: restoring the scratch copy after $name failed"; exit 2; }
done

echo "mutation check: ${#selected[@]} mutations in $(($(date +%s) - start_time))s; $broken broken (patch does not apply), counted as survived"
echo "$killed killed, $((survived + broken)) survived"
[[ $((survived + broken)) -eq 0 ]]
