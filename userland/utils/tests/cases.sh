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

# --- tee
setup ''
check 0 'seq 3 | tee s t | wc -l; cat s; echo x | tee -a s; cat s t | wc -l' $'3\n1\n2\n3\nx\n7\n' ''
check 0 'echo hi | tee no/such ok; echo $?; cat ok' $'hi\n1\nhi\n' $'tee: no/such: No such file or directory\n'
check 2 'tee -x' '' "$(usage tee "unknown option '-x'" '[-a] [FILE]...')"$'\n'

# --- tr: ranges, classes, escapes, -d -s -c
check 0 'echo hello | tr a-z A-Z; echo "a  b   c" | tr -s " "; echo abc123 | tr -d "[:digit:]"; echo abc123 | tr -cd "[:digit:]\n"' $'HELLO\na b c\nabc\n123\n' ''
check 0 'echo a,b | tr , "\n"; echo aXb | tr "\130" "\055"; echo Hi | tr "[:upper:][:lower:]" "[:lower:][:upper:]"; echo abcd | tr abcd xy; echo aabbcc | tr -s ab xy; echo aabbx | tr -ds x ab' $'a\nb\na-b\nhI\nxyyy\nxycc\nab\n' ''
check 2 'tr' '' "$(usage tr 'missing operand' '[-cds] SET1 [SET2]')"$'\n'
check 2 'tr abc' '' "$(usage tr "missing operand after 'abc'" '[-cds] SET1 [SET2]')"$'\n'
check 2 'tr -d a b' '' "$(usage tr "extra operand 'b'" '[-cds] SET1 [SET2]')"$'\n'
check 2 'tr z-a x' '' "$(usage tr "range-endpoints of 'z-a' are in reverse collating sequence order" '[-cds] SET1 [SET2]')"$'\n'
check 2 'tr "[:nope:]" x' '' "$(usage tr "invalid character class 'nope'" '[-cds] SET1 [SET2]')"$'\n'
check 2 'tr a "[:digit:]"' '' "$(usage tr "when translating, the only character classes that may appear in SET2 are 'upper' and 'lower'" '[-cds] SET1 [SET2]')"$'\n'

# --- cut
setup 'printf "a:b:c\nnodelim\n" > f; printf "one\ttwo\tthree\n" > t'
check 0 'cut -d : -f 2 f; cut -d: -f1,3 f; cut -d: -s -f2- f; cut -f 3,1 t' $'b\nnodelim\na:c\nnodelim\nb:c\none\tthree\n' ''
check 0 'cut -c 2-3 f; cut -b -2,5- < f' $':b\nod\na:c\nnolim\n' ''
check 1 'cut -f1 missing' '' $'cut: missing: No such file or directory\n'
check 2 'cut f' '' "$(usage cut 'you must specify a list of bytes, characters, or fields' '-b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...')"$'\n'
check 2 'cut -f 0 f' '' "$(usage cut 'fields and positions are numbered from 1' '-b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...')"$'\n'
check 2 'cut -f 3-1 f' '' "$(usage cut 'invalid decreasing range' '-b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...')"$'\n'
check 2 'cut -f x f' '' "$(usage cut 'invalid byte, character or field list' '-b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...')"$'\n'
check 2 'cut -d ab -f 1 f' '' "$(usage cut 'the delimiter must be a single character' '-b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...')"$'\n'
check 2 'cut -c 1 -d : f' '' "$(usage cut 'an input delimiter may be specified only when operating on fields' '-b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...')"$'\n'
check 2 'cut -b 1 -f 1 f' '' "$(usage cut 'only one list may be specified' '-b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...')"$'\n'

# --- uniq
setup 'printf "a\na\nb\nc\nc\nc\n" > u'
check 0 'uniq u; uniq -c u; uniq -d u; uniq -u < u' $'a\nb\nc\n      2 a\n      1 b\n      3 c\na\nc\nb\n' ''
check 0 'uniq u out && cat out; sort u | uniq -c | head -n 1' $'a\nb\nc\n      2 a\n' ''
check 1 'uniq missing' '' $'uniq: missing: No such file or directory\n'
check 2 'uniq u out more' '' "$(usage uniq "extra operand 'more'" '[-cdu] [INPUT [OUTPUT]]')"$'\n'

# --- basename, dirname: POSIX's algorithm
setup ''
check 0 'basename /usr/lib/; basename a/b.txt .txt; basename .txt .txt; basename /; basename // ; basename -- -x' $'lib\nb\n.txt\n/\n/\n-x\n' ''
check 2 'basename' '' "$(usage basename 'missing operand' 'NAME [SUFFIX]')"$'\n'
check 2 'basename a b c' '' "$(usage basename "extra operand 'c'" 'NAME [SUFFIX]')"$'\n'
check 0 'dirname /usr/lib/ a / //a//b// a/b' $'/usr\n.\n/\n//a\na\n' ''
check 2 'dirname' '' "$(usage dirname 'missing operand' 'NAME...')"$'\n'

# --- seq: integers only
check 0 'seq 3; seq 2 4 | wc -l; seq 10 -4 1; seq -2 -1; seq -s , 3; seq 5 1' $'1\n2\n3\n3\n10\n6\n2\n-2\n-1\n1,2,3\n' ''
check 0 'seq 9223372036854775806 9223372036854775807' $'9223372036854775806\n9223372036854775807\n' ''
check 2 'seq 1.5' '' "$(usage seq "invalid integer argument: '1.5'" '[-s SEPARATOR] [FIRST [INCREMENT]] LAST')"$'\n'
check 2 'seq 1 0 3' '' "$(usage seq "invalid Zero increment value: '0'" '[-s SEPARATOR] [FIRST [INCREMENT]] LAST')"$'\n'
check 2 'seq' '' "$(usage seq 'missing operand' '[-s SEPARATOR] [FIRST [INCREMENT]] LAST')"$'\n'
check 2 'seq 1 2 3 4' '' "$(usage seq "extra operand '4'" '[-s SEPARATOR] [FIRST [INCREMENT]] LAST')"$'\n'

# --- yes
check 0 'yes | head -n 2; yes a b | head -n 1; yes | head -c 100000 | wc -l' $'y\ny\na b\n50000\n' ''
check 2 'yes -x' '' "$(usage yes "unknown option '-x'" '[STRING]...')"$'\n'

# --- du: KiB from st_blocks, the same numbers as the host's du -k
setup 'mkdir -p d/sub/deep d/e; head -c 5000 /dev/zero > d/big; touch d/sub/a d/e/c; ln -s big d/link'
check 0 'du d | cut -f 2; [ "$(du d)" = "$(/usr/bin/du -k d)" ] && [ "$(du -s d)" = "$(/usr/bin/du -sk d)" ] && [ "$(du -a d | sort)" = "$(/usr/bin/du -ak d | sort)" ] && echo same' $'d/e\nd/sub/deep\nd/sub\nd\nsame\n' ''
check 0 'du -s d/big d/e | cut -f 2; du -k d/big | grep -c "^[0-9]*	d/big$"' $'d/big\nd/e\n1\n' ''
check 0 'du -s missing d/e > out; echo $?; cut -f 2 out' $'1\nd/e\n' $'du: cannot access \'missing\': No such file or directory\n'
setup 'mkdir -p d/e d/sub; head -c 9000 /dev/zero > d/e/h; ln d/e/h d/sub/h'
check 0 'du -a d | grep -c "/h$"; [ "$(du -s d)" = "$(/usr/bin/du -sk d)" ] && echo same' $'1\nsame\n' '' # a file with two links counts once
check 2 'du -as d' '' "$(usage du 'cannot both summarize and show all entries' '[-ask] [FILE]...')"$'\n'

# --- find: name order, -name patterns, -type, -maxdepth/-mindepth
setup 'mkdir -p d/sub/deep d/e; touch d/big d/sub/a.conf d/sub/deep/b.conf d/e/c.txt; ln -s big d/link'
check 0 'find d' $'d\nd/big\nd/e\nd/e/c.txt\nd/link\nd/sub\nd/sub/a.conf\nd/sub/deep\nd/sub/deep/b.conf\n' ''
check 0 'find d -name "*.conf"; find d -maxdepth 1 -type d; find d -type l -print; find d -mindepth 2 -name "[!a]*"' $'d/sub/a.conf\nd/sub/deep/b.conf\nd\nd/e\nd/sub\nd/link\nd/e/c.txt\nd/sub/deep\nd/sub/deep/b.conf\n' ''
check 0 'cd d && find -maxdepth 0; find . -maxdepth 1 -name "?ig"; find e/ sub/deep -type f' $'.\n./big\ne/c.txt\nsub/deep/b.conf\n' ''
check 1 'find missing d/e' $'d/e\nd/e/c.txt\n' $'find: \'missing\': No such file or directory\n'
check 2 'find d -size 1' '' "$(usage find "unknown predicate '-size'" '[PATH]... [-maxdepth N] [-mindepth N] [-name PATTERN] [-type f|d|l] [-print]')"$'\n'
check 2 'find d -name' '' "$(usage find "missing argument to '-name'" '[PATH]... [-maxdepth N] [-mindepth N] [-name PATTERN] [-type f|d|l] [-print]')"$'\n'
check 2 'find d -type x' '' "$(usage find "invalid argument 'x' to '-type'" '[PATH]... [-maxdepth N] [-mindepth N] [-name PATTERN] [-type f|d|l] [-print]')"$'\n'
check 2 'find -name a d' '' "$(usage find "paths must precede expression: 'd'" '[PATH]... [-maxdepth N] [-mindepth N] [-name PATTERN] [-type f|d|l] [-print]')"$'\n'
check 2 'find d -maxdepth z' '' "$(usage find "invalid -maxdepth: 'z'" '[PATH]... [-maxdepth N] [-mindepth N] [-name PATTERN] [-type f|d|l] [-print]')"$'\n'

# --- cmp: 0 the same, 1 different, 2 trouble
setup 'printf "ab\ncd\n" > a; printf "ab\ncx\n" > b; printf "ab\n" > p; printf "ab" > q; : > e'
check 0 'cmp a a && cmp - a < a && echo same' $'same\n' ''
check 1 'cmp a b' $'a b differ: byte 5, line 2\n' ''
check 1 'cmp -s a b' '' ''
check 1 'cmp p a' '' $'cmp: EOF on p after byte 3, line 1\n'
check 1 'cmp a q' '' $'cmp: EOF on q after byte 2, in line 1\n'
check 1 'cmp e a' '' $'cmp: EOF on e which is empty\n'
check 2 'cmp a missing' '' $'cmp: missing: No such file or directory\n'
check 2 'cmp' '' "$(usage cmp 'missing operand' '[-s] FILE1 [FILE2]')"$'\n'
check 2 'cmp a b c' '' "$(usage cmp "extra operand 'c'" '[-s] FILE1 [FILE2]')"$'\n'

# --- xargs: POSIX quoting, -n, the spawn limits, GNU's statuses
setup ''
check 0 'printf "a b\nc \"d e\" f\\\\ g '"'"'h i'"'"'\n" | xargs; printf "1 2 3 4 5\n" | xargs -n 2 echo n:' $'a b c d e f g h i\nn: 1 2\nn: 3 4\nn: 5\n' ''
check 0 ': | xargs echo ran; : | xargs -r echo ran; echo a b | xargs -t echo' $'ran\na b\n' $'echo a b\n'
check 0 'seq 200 | xargs | wc -l; seq 200 | xargs | tail -n 1 | wc -w' $'4\n11\n' '' # 63 words to a run: 64 entries with echo
check 123 'printf "a\nb\n" | xargs /bin/sh -c "exit 3"' '' ''
check 124 'echo x | xargs /bin/sh -c "exit 255"' '' $'xargs: /bin/sh: exited with status 255; aborting\n'
check 125 'echo x | xargs /bin/sh -c "kill -9 \$\$"' '' $'xargs: /bin/sh: terminated by signal 9\n'
check 127 'echo x | xargs no-such-command' '' $'xargs: no-such-command: No such file or directory\n'
check 1 'printf "a b '"'"'c" | xargs' $'a b\n' $'xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0 option\n'
check 1 'head -c 20000 /dev/zero | tr "\\0" x | xargs' '' $'xargs: argument line too long\n'
check 2 'xargs -n 0' '' "$(usage xargs "invalid number of arguments: '0'" '[-rt] [-n MAX] [COMMAND [ARG]...]')"$'\n'

# --- every portable utility answers --help with its synopsis, status 0
setup ''
check 0 'for p in basename cat chmod cmp cp cut date df dirname du echo env false find grep head hexdump kill ln ls mkdir mv rm rmdir seq sleep sort stat sync tail tee touch tr true uname uniq wc xargs yes; do $p --help > help || echo "$p: status $?"; head -n 1 help | grep -v "^usage: $p"; done; true' '' ''

end_of_cases
