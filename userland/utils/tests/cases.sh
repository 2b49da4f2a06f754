# The utilities on the host: normal use and at least one bad input each
# (run_cases.sh runs these). Usage errors exit 2, runtime errors 1.
# shellcheck disable=SC2016,SC2034
usage() { printf '%s: %s\nusage: %s %s\nTry '"'"'%s --help'"'"' for more information.\n' "$1" "$2" "$1" "$3" "$1"; }

setup ''

# --- true, false
check 0 'true' '' ''
check 0 'true --bogus' '' '' # POSIX: true ignores its operands
check 0 'true --help' $'usage: true\nExits with status 0.\n' ''
check 1 'false' '' ''
check 1 'false --bogus' '' ''

# --- echo
check 0 'echo hello   world' $'hello world\n' ''
check 0 'echo -n a b' 'a b' ''
check 0 'echo -e "a\tb\\\\c\0101"; echo -e "x\cy"' $'a\tb\\cA\nx' ''
check 0 'echo -x' $'-x\n' '' # not an echo option: text
check 1 'echo hi >&-' '' $'echo: write error: Bad file descriptor\n'

# --- env
check 0 'env -i A=1 B=two' $'A=1\nB=two\n' ''
check 0 'A=1 B=2 env -u A | grep "^[AB]="' $'B=2\n' ''
check 2 'env -z' '' "$(usage env "unknown option '-z'" '[-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]')"$'\n'
check 0 'env -i B=7 /usr/bin/printenv B' $'7\n' ''
check 127 'env -i /no/such/command' '' $'env: cannot run \'/no/such/command\': No such file or directory\n'

# --- uname
check 0 'uname' $'Linux\n' ''
check 0 'uname -s -m | grep -c "^Linux [a-z0-9_]*$"' $'1\n' ''
check 2 'uname -q' '' "$(usage uname "unknown option '-q'" '[-asnrvm]')"$'\n'
check 2 'uname x' '' "$(usage uname "extra operand 'x'" '[-asnrvm]')"$'\n'

# --- sleep
check 0 'sleep 0.05 0.01s' '' ''
check 2 'sleep' '' "$(usage sleep 'missing operand' 'NUMBER[smhd]...')"$'\n'
check 2 'sleep 1x' '' "$(usage sleep "invalid time interval '1x'" 'NUMBER[smhd]...')"$'\n'

# --- cat
setup 'printf "one\ntwo\n" > a; printf "three" > b'
check 0 'cat a b - < a' $'one\ntwo\nthreeone\ntwo\n' ''
setup 'printf "one\ntwo\n" > a'
check 0 'cat -n a' $'     1\tone\n     2\ttwo\n' ''
check 1 'cat missing' '' $'cat: missing: No such file or directory\n'
check 2 'cat -z' '' "$(usage cat "unknown option '-z'" '[-nu] [FILE]...')"$'\n'

# --- head, tail
setup 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo $i; done > n'
check 0 'head n | tail -n 2' $'9\n10\n' ''
setup 'for i in 1 2 3 4 5; do echo $i; done > n; printf "xyz" > z'
check 0 'head -n 2 n z; head -c 2 z' $'==> n <==\n1\n2\n\n==> z <==\nxyzxy' ''
check 2 'head -n x' '' "$(usage head "invalid number of lines: 'x'" '[-n LINES | -c BYTES] [FILE]...')"$'\n'
setup 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo $i; done > n; printf "a\nb" > nolf'
check 0 'tail n | head -n 1; tail -n 1 nolf; tail -c 3 n; tail -n 0 n' $'3\nb12\n' ''
check 1 'tail -n 1 missing' '' $'tail: missing: No such file or directory\n'
check 2 'tail -n' '' "$(usage tail "option '-n' needs an argument" '[-n LINES | -c BYTES] [FILE]...')"$'\n'

# --- wc
setup 'printf "one two\nthree\n" > a; printf "x" > b'
check 0 'wc a; wc -l < a; wc -wc a b' $'2 3 14 a\n2\n3 14 a\n1 1 b\n4 15 total\n' ''
check 1 'wc nope' '' $'wc: nope: No such file or directory\n'

# --- cksum: the numbers coreutils' cksum prints for the same bytes
setup 'printf "one\ntwo\n" > a; printf "abc" > b; : > e; head -c 70000 /dev/zero | tr "\\0" x > z'
check 0 'cksum a b e z; cksum < b; cksum - < b' $'3865817952 8 a\n1219131554 3 b\n4294967295 0 e\n4215398528 70000 z\n1219131554 3\n1219131554 3 -\n' ''
check 1 'cksum nope b' $'1219131554 3 b\n' $'cksum: nope: No such file or directory\n'
check 2 'cksum -x' '' "$(usage cksum "unknown option '-x'" '[FILE]...')"$'\n'

# --- grep: fixed strings, basic regular expressions, the status
setup 'printf "apple\nBanana\ncherry pie\naaa\n" > f'
check 0 'grep an f; grep -F -i AN f; grep -c a f' $'Banana\nBanana\n3\n' ''
check 0 'grep "^a" f; grep "e$" f' $'apple\naaa\napple\ncherry pie\n' ''
check 0 'grep "p\{2\}" f; grep -n "[[:upper:]]" f; grep "^a*$" f' $'apple\n2:Banana\naaa\n' ''
check 0 'grep -v "[aeiou]" f; grep "ch.r*y" f; grep -e "[^a-z ]" f; grep -l pie f' $'cherry pie\nBanana\nf\n' ''
check 0 'grep "a\.b" f || echo none; grep -F "a.b" f || echo none; grep -q pie f && echo yes' $'none\nnone\nyes\n' ''
check 1 'grep kiwi f' '' ''
check 2 'grep "[a-" f' '' $'grep: invalid pattern \'[a-\': unmatched [\n'
check 2 'grep "\(a\)" f' '' $'grep: invalid pattern \'\\(a\\)\': \\( \\) groups are not supported\n'
check 2 'grep' '' "$(usage grep 'missing PATTERN' '[-Fivcnlq] [-e PATTERN | PATTERN] [FILE]...')"$'\n'
check 2 'grep a missing' '' $'grep: missing: No such file or directory\n'

# --- sort
setup 'printf "pear\napple\n10\n9\napple\n" > f'
check 0 'sort f' $'10\n9\napple\napple\npear\n' ''
check 0 'sort -u -r f; sort -n f | head -n 2' $'pear\napple\n9\n10\napple\napple\n' ''
check 1 'sort f2' '' $'sort: f2: No such file or directory\n'

# --- hexdump
setup 'printf "Hello, ViperDOS!\n" > h; printf "%032d" 0 > z'
check 0 'hexdump -C h' $'00000000  48 65 6c 6c 6f 2c 20 56  69 70 65 72 44 4f 53 21  |Hello, ViperDOS!|\n00000010  0a                                                |.|\n00000011\n' ''
check 0 'hexdump z; hexdump -s 7 -n 2 h' $'00000000  30 30 30 30 30 30 30 30  30 30 30 30 30 30 30 30  |0000000000000000|\n*\n00000020\n00000007  56 69                                             |Vi|\n00000009\n' ''
check 2 'hexdump -n -1 h' '' "$(usage hexdump "invalid length: '-1'" '[-Cv] [-n LENGTH] [-s OFFSET] [FILE]...')"$'\n'

# --- ls
setup 'mkdir d; touch d/b d/a d/.hidden; printf 12345 > d/five; touch -d "2026-01-02 03:04 UTC" d/five'
check 0 'ls d; ls -a d | head -n 1' $'a\nb\nfive\n.hidden\n' ''
setup 'mkdir d; printf 12345 > d/five; touch -d "2026-01-02 03:04 UTC" d/five; chmod 640 d/five'
check 0 'ls -l d' $'-rw-r-----          5 2026-01-02 03:04 five\n' ''
setup 'mkdir d e; touch f e/x'
check 0 'ls f d e' $'f\n\nd:\n\ne:\nx\n' ''
check 1 'ls nothing' '' $'ls: cannot access \'nothing\': No such file or directory\n'

# --- mkdir, rmdir
setup ''
check 0 'mkdir a && mkdir -p b/c/d b && ls b/c; rmdir b/c/d && ls b/c' $'d\n' ''
check 1 'mkdir -p x/y && mkdir x' '' $'mkdir: cannot create directory \'x\': File exists\n'
check 2 'mkdir' '' "$(usage mkdir 'missing operand' '[-p] DIRECTORY...')"$'\n'
setup 'mkdir full; touch full/f'
check 1 'rmdir full' '' $'rmdir: failed to remove \'full\': Directory not empty\n'
check 2 'rmdir -p x' '' "$(usage rmdir "unknown option '-p'" 'DIRECTORY...')"$'\n'

# --- touch
setup ''
check 0 'touch new && ls -l new' "-rw-r--r--          0 $(date -u +'%Y-%m-%d %H:%M') new"$'\n' ''
check 1 'touch no/such' '' $'touch: cannot touch \'no/such\': No such file or directory\n'

# --- rm
setup 'mkdir -p t/u; touch t/u/f t/g f'
check 0 'rm f && rm -r t && ls' '' ''
check 0 'rm -f nothing' '' ''
setup 'mkdir d'
check 1 'rm d' '' $'rm: cannot remove \'d\': Is a directory\n'
check 1 'rm nothing' '' $'rm: cannot remove \'nothing\': No such file or directory\n'
check 1 'rm -r .' '' $'rm: refusing to remove \'.\'\n'

# --- cp
setup 'printf "data\n" > a; mkdir d; mkdir -p t/u; printf x > t/u/f'
check 0 'cp a b && cat b; cp a b d && ls d; cp -r t c && cat c/u/f' $'data\na\nb\nx' ''
setup 'mkdir t'
check 1 'cp t c' '' $'cp: -r not specified; omitting directory \'t\'\n'
check 1 'cp missing x' '' $'cp: cannot stat \'missing\': No such file or directory\n'
check 2 'cp a' '' "$(usage cp "missing destination file operand after 'a'" '[-r] SOURCE DEST | [-r] SOURCE... DIRECTORY')"$'\n'

# --- mv
setup 'printf "data\n" > a; touch b; mkdir d'
check 0 'mv a c && cat c && mv b c d && ls d && ls' $'data\nb\nc\nd\n' ''
check 1 'mv missing x' '' $'mv: cannot move \'missing\' to \'x\': No such file or directory\n'
setup 'touch a b'
check 2 'mv a b c' '' "$(usage mv "target 'c' is not a directory" 'SOURCE DEST | SOURCE... DIRECTORY')"$'\n'

# --- ln
setup 'printf "data\n" > a; mkdir d'
check 0 'ln a b && cat b && ln -s a s && cat s && ln a d && ls d' $'data\ndata\na\n' ''
check 0 'ln -s a s && ln -sf b s && stat s | grep -c -- "-> b$"' $'1\n' ''
check 1 'ln a a2 && ln a a2' '' $'ln: failed to create hard link \'a2\' -> \'a\': File exists\n'
check 1 'ln missing x' '' $'ln: failed to create hard link \'x\' -> \'missing\': No such file or directory\n'
check 2 'ln a' '' "$(usage ln "missing destination file operand after 'a'" '[-sf] TARGET LINK | [-sf] TARGET... DIRECTORY')"$'\n'
check 2 'ln -x a b' '' "$(usage ln "unknown option '-x'" '[-sf] TARGET LINK | [-sf] TARGET... DIRECTORY')"$'\n'

# --- chmod
setup 'touch f; mkdir d'
check 0 'umask 022; chmod 750 f; stat f | grep -c "mode 0750"; chmod u-x,g=r f; stat f | grep -c "mode 0640"; chmod +x f; stat f | grep -c "mode 0751"; chmod -w f; stat f | grep -c "mode 0551"; chmod a=rX d; stat d | grep -c "mode 0555"' $'1\n1\n1\n1\n1\n' ''
check 1 'chmod 644 missing f' '' $'chmod: cannot access \'missing\': No such file or directory\n'
check 2 'chmod 9 f' '' "$(usage chmod "invalid mode: '9'" 'MODE FILE...')"$'\n'
check 2 'chmod u+q f' '' "$(usage chmod "invalid mode: 'u+q'" 'MODE FILE...')"$'\n'
check 2 'chmod 644' '' "$(usage chmod "missing operand after '644'" 'MODE FILE...')"$'\n'
setup 'printf x > a; chmod 751 a'
check 0 'umask 022; cp a b; stat b | grep -c "mode 0751"' $'1\n' ''

# --- stat
setup 'printf 12345 > five; touch -d "2026-01-02 03:04:05 UTC" five; chmod 640 five; mkdir d; ln -s five s; ln five hard'
check 0 'stat five' $'five: regular file, 5 bytes, mode 0640, 2 links, modified 2026-01-02 03:04:05\n' ''
check 0 'stat d | grep -c "^d: directory, [0-9]* bytes, mode 0755, 2 links, modified "; stat s | grep -c "^s: symbolic link.* -> five$"; stat -L s | grep -c "^s: regular file, 5 bytes"' $'1\n1\n1\n' ''
check 1 'stat nothing' '' $'stat: cannot stat \'nothing\': No such file or directory\n'
check 2 'stat' '' "$(usage stat 'missing operand' '[-L] FILE...')"$'\n'
check 2 'stat -q five' '' "$(usage stat "unknown option '-q'" '[-L] FILE...')"$'\n'

# --- df
setup ''
check 0 'df | head -n 1; df . / | wc -l; df . | grep -c "^\. *[0-9]* *[0-9]* *[0-9]* *[0-9]*% r[ow]$"' $'Path              1K-blocks       Used  Available  Use% Mode\n3\n1\n' ''
check 0 'df | grep -c "^/ "' $'1\n' ''
check 1 'df nothing' $'Path              1K-blocks       Used  Available  Use% Mode\n' $'df: cannot read \'nothing\': No such file or directory\n'
check 2 'df -h' '' "$(usage df "unknown option '-h'" '[PATH]...')"$'\n'

# --- sync
check 0 'sync' '' ''
check 2 'sync now' '' $'sync: extra operand \'now\'\nusage: sync\nTry \'sync --help\' for more information.\n'

# --- date
setup ''
check 0 'date -u -d @0; TZ=UTC date -d @86399 +%Y-%m-%dT%H:%M:%S' $'Thu Jan  1 00:00:00 UTC 1970\n1970-01-01T23:59:59\n' ''
check 0 'date +%Y | grep -c "^20[0-9][0-9]$"' $'1\n' ''
check 1 'date -d yesterday' '' $'date: invalid date \'yesterday\' (only @SECONDS)\n'
check 2 'date now' '' "$(usage date 'setting the clock is not supported' '[-u] [-d @SECONDS] [+FORMAT]')"$'\n'

# --- kill
check 0 'kill -l 9; kill -l 143; kill -l | grep -c "^HUP INT QUIT"' $'KILL\nTERM\n1\n' ''
check 0 'sleep 5 & kill -s TERM $!; wait $!; echo $?; sleep 5 & kill -SIGTERM $!; wait $!; echo $?' $'143\n143\n' ''
check 1 'kill 2147483647' '' $'kill: (2147483647): No such process\n'
check 2 'kill -FOO 1' '' "$(usage kill "unknown signal 'FOO'" '[-s SIGNAL | -SIGNAL] PID... | -l [NUMBER]')"$'\n'

# --- grep's matcher at its edges
setup 'printf "a]b\n*star\nx\$y\naab\nab\nb\n" > f'
check 0 'grep "[]]" f; grep "*s" f; grep "x\$y" f; grep -c "^a\{1,\}b$" f; grep -c "^a\{2\}b" f' $'a]b\n*star\nx$y\n2\n1\n' ''
check 0 'grep "^.*b$" f | wc -l; grep -e "a*" -c f' $'4\n6\n' ''
check 2 'grep "a\{2,1\}" f' '' $'grep: invalid pattern \'a\\{2,1\\}\': invalid \\{\\} interval\n'
check 2 'grep "[[:nope:]]" f' '' $'grep: invalid pattern \'[[:nope:]]\': unknown character class\n'

# --- every portable utility answers --help with its synopsis, status 0
setup ''
check 0 'for p in cat chmod cp date df echo env false grep head hexdump kill ln ls mkdir mv rm rmdir sleep sort stat sync tail touch true uname wc; do $p --help > help || echo "$p: status $?"; head -n 1 help | grep -v "^usage: $p"; done; true' '' ''
