#!/usr/bin/env bash
# End to end: the host build of the shell runs real commands (Linux's
# programs) in a temporary directory, and what it prints and exits with is
# checked. Usage: sh_host_test.sh PATH_TO_SH
set -uo pipefail
SH=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/sh_host_test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export PATH=/usr/bin:/bin
failures=0
passes=0

# expect NAME EXPECTED_STATUS EXPECTED_OUTPUT COMMANDS: runs `sh -c
# COMMANDS`, standard error into standard output.
expect() {
  local name=$1 status=$2 want=$3 commands=$4
  local got rc
  got=$("$SH" -c "$commands" 2>&1)
  rc=$?
  if [[ $rc != "$status" || "$got" != "$want" ]]; then
    echo "FAIL: $name"
    echo "  commands: $commands"
    echo "  want status $status, output: $(printf %q "$want")"
    echo "  got  status $rc, output: $(printf %q "$got")"
    failures=$((failures + 1))
  else
    passes=$((passes + 1))
  fi
}

# expect_run NAME EXPECTED_STATUS EXPECTED_OUTPUT ARGS...: runs sh ARGS,
# with standard input from $STDIN (empty by default).
expect_run() {
  local name=$1 status=$2 want=$3
  shift 3
  local got rc
  got=$(printf '%s' "${STDIN:-}" | "$SH" "$@" 2>&1)
  rc=$?
  if [[ $rc != "$status" || "$got" != "$want" ]]; then
    echo "FAIL: $name"
    echo "  args: $*"
    echo "  want status $status, output: $(printf %q "$want")"
    echo "  got  status $rc, output: $(printf %q "$got")"
    failures=$((failures + 1))
  else
    passes=$((passes + 1))
  fi
}

# --- pipelines
expect "a pipeline of three" 0 "3" 'echo hi | cat | wc -c'
expect "a pipeline's status is the last stage's" 0 "" 'false | true'
expect "a failing last stage fails the pipeline" 1 "" 'true | false'
expect "every stage is waited for" 0 "b" 'echo a > f | sleep 0.1 | cat; cat f | tr a b'
expect "a long pipeline" 0 "1" 'echo x | cat | cat | cat | cat | cat | wc -l'
expect "much data through a pipe" 0 "200000" 'head -c 200000 /dev/zero | cat | wc -c'

# --- redirection
expect "> writes and < reads back" 0 "hello" 'echo hello > out; cat < out'
expect "> truncates" 0 "two" 'echo one > out; echo two > out; cat out'
expect ">> appends" 0 $'one\ntwo' 'echo one > out; echo two >> out; cat out'
expect "2> catches errors only" 0 "" 'ls /no/such/dir 2> err; test -s err'
expect "2> leaves stdout alone" 0 "x" 'echo x 2> err'
expect "2>&1 joins stderr to stdout" 0 "1" 'ls /no/such/dir > both 2>&1; grep -c "No such" both'
expect "2>&1 into a pipe" 0 "1" 'ls /no/such/dir 2>&1 | grep -c "No such"'
expect "a missing input file" 1 "sh: nofile: No such file or directory" 'cat < nofile'
expect "a redirection alone creates the file" 0 "" ': > empty; test -f empty && test ! -s empty'
expect "a built-in redirected" 0 "$work" 'pwd > p; cat p'
expect "a built-in's redirection is undone after" 0 "shown" 'pwd > p; echo shown'

# --- quoting
expect "single quotes keep everything" 0 'a  $HOME * \x' "echo 'a  \$HOME * \\x'"
expect "double quotes expand variables only" 0 'v=1  *' 'v=1; echo "v=$v  *"'
expect "backslash escapes" 0 'a b $x "q"' 'echo a\ b \$x \"q\"'
expect "quoted operators are words" 0 '| ; && >' "echo '|' ';' \"&&\" \\>"
expect "an empty quoted argument is an argument" 0 "3" 'printf "%s\n" a "" b | wc -l'
expect "comments" 0 "a" 'echo a # b c'

# --- variables and parameters
expect "assignment and expansion" 0 "x-1-1" 'a=1; echo x-$a-${a}'
expect "unset variables expand to nothing" 0 "[]" 'echo "[$nothing]"'
expect "unquoted values split into fields" 0 "3" 'v="a b  c"; printf "%s\n" $v | wc -l'
expect "quoted values stay one field" 0 "1" 'v="a b  c"; printf "%s\n" "$v" | wc -l'
expect "export reaches programs" 0 "42" 'export SHV=42; printenv SHV'
expect "unexported variables do not" 1 "" 'SHL=1; printenv SHL'
expect "a prefix assignment is for that program" 0 $'7\n[]' 'SHP=7 printenv SHP; echo "[$SHP]"'
expect "unset" 0 "[]" 'export SHU=1; unset SHU; echo "[$SHU]"'
expect "\$? is the last status" 0 $'1\n0\n127' 'false; echo $?; true; echo $?; nosuchcmd 2>/dev/null; echo $?'
expect "\$\$ is the shell's pid" 0 "yes" 'test "$$" -gt 1 && echo yes'
expect "tilde is HOME" 0 "/home/x/y" 'HOME=/home/x; echo ~/y'
expect_run "positional parameters with -c" 0 "n 2 a b c" -c 'echo $0 $# $1 "$2"' n a "b c"
expect_run "\"\$@\" keeps arguments apart" 0 $'a\nb c' -c 'printf "%s\n" "$@"' n a "b c"

expect "command substitution" 0 $'[hi\nthere]' 'echo "[$(echo hi; echo there | cat)]"'
expect "command substitution splits unquoted" 0 "3" 'printf "%s\n" $(echo a b c) | wc -l'
expect "command substitution drops trailing newlines" 0 "[a]" 'x=$(printf "a\n\n\n"); echo "[$x]"'
expect "nested command substitution" 0 "outer inner" 'echo "$(echo outer $(echo inner))"'
expect "command substitution sets \$?" 0 "3" 'x=$(sh -c "exit 3"); echo $?'
expect "\$(...) sees the shell's own variables" 0 "v=1" 'v=1; echo "$(echo v=$v)"'
expect_run "\$(...) sees \$\$, \$! and the parameters" 0 "same ok b" -c 'sleep 0.1 & b=$!; test "$(echo $$)" = $$ && printf "same "; test "$(echo $!)" = $b && printf "ok "; echo "$(echo $2)"; wait' n a b
expect "a loop in a pipeline sees the shell's variables" 0 "x-a" 'p=x; for i in a; do echo $p-$i; done | cat'
expect "arithmetic" 0 "7 2 16" 'n=4; echo $((1 + 2 * 3)) $((n / 2)) $(($n * n))'
expect "arithmetic counts a loop" 0 "5" 'i=0; while test $i -lt 5; do i=$((i + 1)); done; echo $i'
expect "division by zero" 0 "sh: \$((1 / 0)): division by zero
[]" 'echo "[$((1 / 0))]"'
expect "an unterminated \$(" 2 "sh: syntax error: unterminated \$(" 'echo $(ls'

# --- lists
expect "! negates a pipeline" 0 $'1\n0' '! true; echo $?; ! false | false; echo $?'
expect "! only as a command's first word" 0 "!" 'echo !'
expect "&& runs on success" 0 $'a\nb' 'echo a && echo b'
expect "&& skips on failure" 1 "" 'false && echo b'
expect "|| runs on failure" 0 "b" 'false || echo b'
expect "|| skips on success" 0 "a" 'echo a || echo b'
expect "and-or left to right" 0 $'c' 'false && echo b || echo c'
expect "; runs everything" 0 $'a\nb' 'false; echo a; echo b'
expect "newlines separate commands" 0 $'a\nb' $'echo a\necho b'

# --- compound commands
expect "if then elif else" 0 $'b\nc' 'if false; then echo a; elif true; then echo b; fi; if false; then :; else echo c; fi'
expect "if's status is the body's" 3 "" 'if true; then sh -c "exit 3"; fi'
expect "if with no branch taken is 0" 0 "" 'if false; then echo a; fi'
expect "while" 0 $'x\nxx\nxxx' 'n=; while test "$n" != xxx; do n=x$n; echo $n; done'
expect "until" 0 "ab" 'x=a; until test $x = ab; do x=${x}b; done; echo $x'
expect "for over words and globs" 0 $'a\nb c\nout' 'for w in a "b c" ou*; do echo "$w"; done'
expect_run "for without in runs over the parameters" 0 $'p\nq r' -c 'for x; do echo "$x"; done' n p "q r"
expect "break and continue" 0 $'1\n3\n4' 'for i in 1 2 3 4 5; do if test $i = 2; then continue; fi; if test $i = 5; then break; fi; echo $i; done'
expect "break 2 leaves both loops" 0 "a1" 'for a in a b; do for n in 1 2; do echo $a$n; break 2; done; done'
expect "break outside a loop" 1 "sh: break: only meaningful in a loop" 'break'
expect "a group's output redirected" 0 $'1\n2' '{ echo 1; echo 2; } > grp; cat grp'
expect "a loop in a pipeline" 0 "3" 'for i in a b c; do echo $i; done | wc -l'
expect "a loop's output redirected" 0 $'a\nb' 'for i in a b; do echo $i; done > lo; cat lo'
expect "a loop's variables stay in the shell" 0 "z" 'for v in x y z; do :; done; echo $v'
expect "compound commands across lines" 0 "yes" $'if true\nthen\n  echo yes\nfi'
expect "a background loop" 0 "done" 'for i in 1; do sleep 0.1; done & wait; echo done'
expect "an unterminated if" 2 "sh: syntax error: \`fi' expected before the end of input" 'if true; then echo'

# --- test, read, shift (built in: scripts need them on ViperDOS too)
expect "test strings" 0 "1 2 3 4" 'test abc = abc && echo -n "1 "; [ a != b ] && echo -n "2 "; [ -n x ] && echo -n "3 "; [ -z "" ] && echo 4'
expect "test integers" 0 "ok" '[ 2 -lt 10 ] && [ 10 -ge 10 ] && [ 3 -ne 4 ] && ! [ 1 -gt 2 ] && echo ok'
expect "test files" 0 "f d e s" 'mkdir -p td; echo x > tf; : > te; [ -f tf ] && echo -n "f "; [ -d td ] && echo -n "d "; [ -e te ] && echo -n "e "; [ -s tf ] && ! [ -s te ] && echo s'
expect "test ! and one argument" 0 "yes" '[ ! -e /no/such ] && [ x ] && ! [ "" ] && echo yes'
expect "test without ]" 2 "sh: [: missing \`]'" '[ 1 = 1'
expect "test with a bad integer" 2 "sh: test: x: integer expected" 'test x -eq 1'
expect "test with an unknown operator" 2 "sh: test: -q: unknown operator" 'test a -q b'
STDIN=$'alpha beta  gamma\nsecond line\n' expect_run "read splits a line into names" 0 $'[alpha] [beta  gamma]\n[second line]' -c 'read a b; echo "[$a] [$b]"; read c; echo "[$c]"'
STDIN=$'one\ntwo\nthree\n' expect_run "while read" 0 $'1:one\n2:two\n3:three' -c 'n=0; while read line; do n=$((n + 1)); echo "$n:$line"; done'
STDIN='' expect_run "read at end of input" 1 "[]" -c 'read x; s=$?; echo "[$x]"; exit $s'
STDIN=$'a\\ b c\n' expect_run "read takes a backslash as an escape" 0 "[a b] [c]" -c 'read x y; echo "[$x] [$y]"'
STDIN=$'a\\ b c\n' expect_run "read -r keeps backslashes" 0 "[a\\] [b c]" -c 'read -r x y; echo "[$x] [$y]"'
expect "read with a bad name" 2 "sh: read: \`1x': not a valid name" 'read 1x'
expect_run "shift" 0 "b c 2" -c 'shift; echo "$@" $#' n a b c
expect_run "shift too far" 1 "sh: shift: 4: more than the 3 parameters" -c 'shift 4' n a b c

expect "set -e stops at a failure" 1 "a" 'set -e; echo a; false; echo b'
expect "set -e spares tested failures" 0 $'ok\nend' 'set -e; false || true; ! true; if false; then :; fi; while false; do :; done; false && echo no; echo ok; echo end'
expect "set -e reaches a second shell" 1 "" 'set -e; for i in 1; do false; echo not; done | cat; exit 1'
expect "set +e" 0 "b" 'set -e; set +e; false; echo b'
expect "set -x traces" 0 $'+ echo hi there\nhi there\n+ x=1' 'set -x; echo hi there; x=1'
expect "set -- replaces the parameters" 0 "2 a b c" 'set -- "a b" c; echo $# $1 $2'
expect "set with a bad option" 2 "sh: set: -q: unknown option (-e, -x, --)" 'set -q'
expect "set lists variables" 0 "SHV='42'" 'SHV=42; set | grep "^SHV="'

# --- globbing
mkdir g && touch g/b.txt g/a.txt g/c.log g/.hidden.txt
expect "* matches sorted" 0 "g/a.txt g/b.txt" 'echo g/*.txt'
expect "? matches one" 0 "g/a.txt g/b.txt g/c.log" 'echo g/?.???'
expect "[...] matches a class" 0 "g/a.txt g/c.log" 'echo g/[ac].*'
expect "no match leaves the word" 0 "g/*.none" 'echo g/*.none'
expect "quoted globs are literal" 0 "g/*.txt g/*.txt" 'echo "g/*.txt" g/\*.txt'
expect "globbing in the current directory" 0 "a.txt b.txt c.log" 'cd g; echo *'

# --- background jobs
expect "& then wait for it" 0 $'first\nlater' 'sleep 0.3 && echo later & echo first; wait'
expect "wait gives the job's status" 0 "3" 'sh -c "exit 3" & wait $!; echo $?'
expect "wait %N" 0 "5" 'sh -c "exit 5" & wait %1; echo $?'
expect "kill %N ends a job" 0 "143" 'sleep 10 & kill %1; wait %1; echo $?'
expect "jobs lists running jobs" 0 "[1]+ Running  sleep 1" 'sleep 1 & jobs; kill %1'
expect "fg waits for the job" 0 $'sleep 0.1\n0' 'sleep 0.1 & fg %1; echo $?'
expect "a background pipeline" 0 "x" 'echo x | cat > bgout & wait; cat bgout'
expect "exit in a pipeline ends only its stage" 0 "still here" 'exit 3 | cat; echo still here'
expect "a background list of several pipelines" 0 $'b\nc' 'false && echo a || echo b & wait; echo c'
expect "a background job is in its own process group (host)" 0 "differs" 'sleep 2 & g=$(ps -o pgid= -p $!); test -n "$g" && test "$g" != "$(ps -o pgid= -p $$)" && echo differs; kill %1; wait'
expect "\$! is the last background pid" 0 "ok" 'sleep 0.1 & test "$!" -gt 1 && echo ok; wait'

# --- commands
expect "an unknown command is 127" 127 "sh: nosuchcmd: command not found" 'nosuchcmd'
expect "its message follows 2>" 0 "sh: nosuchcmd: command not found" 'nosuchcmd 2> e; cat e'
expect "and 2>&1 into a pipe" 0 "1" 'nosuchcmd 2>&1 | wc -l'
expect "an unknown path is 127" 127 "sh: ./nosuch: No such file or directory" './nosuch'
touch notexec
expect "a file that is not executable is 126" 126 "sh: ./notexec: Permission denied" './notexec'
expect "a directory is not a command" 126 "sh: ./g: Is a directory" './g'
expect "PATH is searched" 0 "found" 'mkdir -p bin; printf "#!/bin/sh\necho found\n" > bin/mine; chmod +x bin/mine; PATH=$PWD/bin:/usr/bin:/bin; mine'

# --- scripts
printf 'echo "script $0 has $# args: $1, $2"\nexit 4\n' > s.sh
expect_run "sh FILE ARGS" 4 "script s.sh has 2 args: a, b c" s.sh a "b c"
printf '#!%s\necho "shebang $1"\n' "$SH" > hb
chmod +x hb
expect "a #! script run directly" 0 "shebang x" './hb x'
printf '#!/bin/sh\necho "by /bin/sh"\n' > hb2
chmod +x hb2
expect "#! names any interpreter" 0 "by /bin/sh" './hb2'
printf '#!/no/such/interp\necho no\n' > hb3
chmod +x hb3
expect "a #! with a missing interpreter" 127 "sh: /no/such/interp: No such file or directory" './hb3'
printf 'echo "no #! line: $1"\n' > plain
chmod +x plain
expect "an executable text file without #! is a script for sh" 0 "no #! line: y" './plain y'
printf 'SRC=sourced\n' > vars.sh
expect ". runs in this shell" 0 "sourced" '. ./vars.sh; echo $SRC'
expect "source too" 0 "sourced" 'source ./vars.sh; echo $SRC'
expect ". a missing file" 1 "sh: .: missing.sh: No such file or directory" '. missing.sh'
expect_run "a missing script" 127 "sh: missing.sh: No such file or directory" missing.sh
STDIN=$'echo one\necho two\n' expect_run "commands from standard input" 0 $'one\ntwo'
printf 'echo ok\necho "bad\n' > bad.sh
expect_run "a script with a syntax error does not run" 2 "sh: syntax error: unterminated double quote" bad.sh

# --- syntax errors: status 2, a message, no crash
expect "| x" 2 "sh: syntax error: unexpected \`|'" '| x'
expect "a &&" 2 "sh: syntax error: unexpected end of input" 'a &&'
expect "> without a file" 2 "sh: syntax error: \`>' needs a file name" 'echo >'
expect "unterminated quote" 2 "sh: syntax error: unterminated single quote" "echo 'abc"
STDIN=$'echo "x\ny"\necho after\n' expect_run "an open quote on standard input reads on" 0 $'x\ny\nafter'
STDIN=$'| x\necho after\n' expect_run "a syntax error on standard input goes on" 0 $'sh: syntax error: unexpected `|\'\nafter'
STDIN=$'if true\nthen\n  echo in\nfi\nfor i in 1 2\ndo echo $i; done\n' expect_run "compound commands over lines of standard input" 0 $'in\n1\n2'
STDIN=$'echo a \\\n  b\n' expect_run "a backslash continues a line" 0 "a b"

# --- built-ins and their bad input
expect "cd and pwd" 0 "$work/g" 'cd g; pwd'
expect "cd - goes back" 0 "$work" 'cd g; cd - > /dev/null; pwd'
expect "cd with no argument goes home" 0 "$work/g" "HOME=$work/g; cd; pwd"
expect "cd to a missing directory" 1 "sh: cd: nowhere: No such file or directory" 'cd nowhere'
expect "exit N" 7 "" 'exit 7; echo not here'
expect "exit without N keeps \$?" 1 "" 'false; exit'
expect "exit with a bad N" 2 "sh: exit: x: numeric argument required" 'exit x'
expect "export a bad name" 1 "sh: export: \`1x=2': not a valid name" 'export 1x=2'
expect "unset a bad name" 1 "sh: unset: \`a-b': not a valid name" 'unset a-b'
expect "wait for no such job" 127 "sh: wait: %9: no such job" 'wait %9'
expect "wait for a bad argument" 2 "sh: wait: \`x': not a pid or %job" 'wait x'
expect "kill no such job" 1 "sh: kill: %3: no such job" 'kill %3'
expect "kill a bad signal" 2 "sh: kill: NOPE: unknown signal" 'kill -NOPE 1'
expect "fg with no job" 1 "sh: fg: no current job" 'fg'
expect "true and false" 1 "" 'true && false'
expect "help lists the built-ins" 0 "1" 'help | grep -c "^  cd "'
expect_run "an unknown option" 2 "sh: -x: unknown option
usage: sh [-i] [FILE [ARG...]]
       sh -c COMMANDS [NAME [ARG...]]
Runs commands typed at the terminal, read from standard input, from
FILE, or given with -c. \`help\` inside the shell lists the built-ins." -x
expect_run "-c without a string" 2 "sh: -c: needs a command string
usage: sh [-i] [FILE [ARG...]]
       sh -c COMMANDS [NAME [ARG...]]
Runs commands typed at the terminal, read from standard input, from
FILE, or given with -c. \`help\` inside the shell lists the built-ins." -c

# --- interactive (-i with piped input): prompts, job reports, history
got=$(printf 'sleep 0.1 &\nsleep 1\necho next\nhistory\n' | HISTFILE="$work/hist" "$SH" -i 2>&1)
for want in "$work \$ " "[1] " "[1]+ Done     sleep 0.1" "next" "    1  sleep 0.1 &" "    4  history"; do
  if [[ "$got" != *"$want"* ]]; then
    echo "FAIL: interactive session lacks $(printf %q "$want")"
    echo "$got" | sed 's/^/  | /'
    failures=$((failures + 1))
  else
    passes=$((passes + 1))
  fi
done
if [[ "$(cat "$work/hist")" == $'sleep 0.1 &\nsleep 1\necho next\nhistory' ]]; then
  passes=$((passes + 1))
else
  echo "FAIL: HISTFILE holds $(printf %q "$(cat "$work/hist")")"
  failures=$((failures + 1))
fi
got=$(printf 'history\n' | HISTFILE="$work/hist" "$SH" -i 2>/dev/null)
if [[ "$got" == *"    4  history"*"    5  history"* || "$got" == *"    4  history"* ]]; then
  passes=$((passes + 1))
else
  echo "FAIL: HISTFILE is not read back: $(printf %q "$got")"
  failures=$((failures + 1))
fi

# Without $HISTFILE the history goes to $HOME/.sh_history, when $HOME is a
# writable directory (ViperDOS's disk), and is read back from there.
mkdir -p "$work/home"
printf 'echo kept\n' | env -u HISTFILE HOME="$work/home" "$SH" -i >/dev/null 2>&1
got=$(printf 'history\n' | env -u HISTFILE HOME="$work/home" "$SH" -i 2>/dev/null)
if [[ "$(cat "$work/home/.sh_history" 2>/dev/null)" == $'echo kept\nhistory' && "$got" == *"    1  echo kept"* ]]; then
  passes=$((passes + 1))
else
  echo "FAIL: \$HOME/.sh_history: $(printf %q "$(cat "$work/home/.sh_history" 2>&1)"), history $(printf %q "$got")"
  failures=$((failures + 1))
fi
# A $HOME that is not writable (the boot archive) keeps it in memory only.
got=$(printf 'echo a\nhistory\n' | env -u HISTFILE HOME=/nonexistent "$SH" -i 2>&1)
if [[ "$got" == *"    2  history"* && "$got" != *"sh_history"* ]]; then
  passes=$((passes + 1))
else
  echo "FAIL: an unwritable \$HOME: $(printf %q "$got")"
  failures=$((failures + 1))
fi

echo "$passes passed, $failures failed"
[[ $failures == 0 ]]
