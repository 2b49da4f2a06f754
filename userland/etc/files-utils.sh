# The shell and the utilities on the disk (//kernel:files_utils_memfs_test,
# run by bin/with_memfs on bin/memfsd; after the merge the same works on
# fsd): redirection to files and back, >> appending, and each file utility
# changing the disk. Every check prints "ok: WHAT" or "FAIL: WHAT"; the
# script's exit status is the number of failures. (sh has no functions:
# each check is spelled out.)
failures=0
echo hi > /tmp/f
got="$(cat /tmp/f)"
if [ "$got" = "hi" ]; then echo "ok: echo > file, cat"; else echo "FAIL: echo > file, cat: got [$got]"; failures=$((failures + 1)); fi
echo there >> /tmp/f
got="$(tail -n 1 /tmp/f)"
if [ "$got" = "there" ]; then echo "ok: >> appends"; else echo "FAIL: >> appends: got [$got]"; failures=$((failures + 1)); fi
got="$(wc -c < /tmp/f)"
if [ "$got" = "9" ]; then echo "ok: wc -c < file"; else echo "FAIL: wc -c < file: got [$got]"; failures=$((failures + 1)); fi
echo short > /tmp/f
got="$(wc -c < /tmp/f)"
if [ "$got" = "6" ]; then echo "ok: > truncates (REL-006)"; else echo "FAIL: > truncates (REL-006): got [$got]"; failures=$((failures + 1)); fi
mkdir -p /tmp/u/v/w
got="$(ls /tmp/u/v)"
if [ "$got" = "w" ]; then echo "ok: mkdir -p"; else echo "FAIL: mkdir -p: got [$got]"; failures=$((failures + 1)); fi
touch /tmp/u/v/w/t
got="$(ls /tmp/u/v/w)"
if [ "$got" = "t" ]; then echo "ok: touch"; else echo "FAIL: touch: got [$got]"; failures=$((failures + 1)); fi
cp /tmp/f /tmp/u/copy
got="$(cat /tmp/u/copy)"
if [ "$got" = "short" ]; then echo "ok: cp"; else echo "FAIL: cp: got [$got]"; failures=$((failures + 1)); fi
cp /boot/etc/demo.sh /tmp/u/demo.sh
got="$(head -n 1 /tmp/u/demo.sh)"
if [ "$got" = "#!/bin/sh" ]; then echo "ok: cp from the archive"; else echo "FAIL: cp from the archive: got [$got]"; failures=$((failures + 1)); fi
mv /tmp/u/copy /tmp/u/v/moved
got="$(cat /tmp/u/v/moved)"
if [ "$got" = "short" ]; then echo "ok: mv across directories"; else echo "FAIL: mv across directories: got [$got]"; failures=$((failures + 1)); fi
ln /tmp/u/v/moved /tmp/u/hard
got="$(stat /tmp/u/hard | grep -c '2 links')"
if [ "$got" = "1" ]; then echo "ok: ln"; else echo "FAIL: ln: got [$got]"; failures=$((failures + 1)); fi
ln -s moved /tmp/u/v/soft
got="$(cat /tmp/u/v/soft)"
if [ "$got" = "short" ]; then echo "ok: ln -s"; else echo "FAIL: ln -s: got [$got]"; failures=$((failures + 1)); fi
rm -r /tmp/u/v
got="$(ls /tmp/u | wc -l)"
if [ "$got" = "2" ]; then echo "ok: rm -r"; else echo "FAIL: rm -r: got [$got]"; failures=$((failures + 1)); fi
rm /tmp/u/hard /tmp/u/demo.sh; rmdir /tmp/u
got="$(ls /tmp | grep -c '^u$')"
if [ "$got" = "0" ]; then echo "ok: rm, rmdir"; else echo "FAIL: rm, rmdir: got [$got]"; failures=$((failures + 1)); fi
echo new > /tmp/g; mv /tmp/g /tmp/f
got="$(cat /tmp/f)"
if [ "$got" = "new" ]; then echo "ok: mv over an existing file"; else echo "FAIL: mv over an existing file: got [$got]"; failures=$((failures + 1)); fi
got="$(df / | grep -c ' rw$')"
if [ "$got" = "1" ]; then echo "ok: df /"; else echo "FAIL: df /: got [$got]"; failures=$((failures + 1)); fi
got="$(df /boot | grep -c ' ro$')"
if [ "$got" = "1" ]; then echo "ok: df /boot"; else echo "FAIL: df /boot: got [$got]"; failures=$((failures + 1)); fi
sync
got="$?"
if [ "$got" = "0" ]; then echo "ok: sync"; else echo "FAIL: sync: got [$got]"; failures=$((failures + 1)); fi
mkdir /boot/x 2>/dev/null
got="$?"
if [ "$got" = "1" ]; then echo "ok: mkdir on the archive fails"; else echo "FAIL: mkdir on the archive fails: got [$got]"; failures=$((failures + 1)); fi
rm /bin/sh 2>/dev/null
got="$?"
if [ "$got" = "1" ]; then echo "ok: rm on the archive fails"; else echo "FAIL: rm on the archive fails: got [$got]"; failures=$((failures + 1)); fi
mv /tmp/f /boot/f 2>/dev/null
got="$?"
if [ "$got" = "1" ]; then echo "ok: mv across mounts fails"; else echo "FAIL: mv across mounts fails: got [$got]"; failures=$((failures + 1)); fi
cd /home/user
got="$(pwd)"
if [ "$got" = "/home/user" ]; then echo "ok: cd into the disk"; else echo "FAIL: cd into the disk: got [$got]"; failures=$((failures + 1)); fi
got="$(ls / | grep -c '^tmp$')"
if [ "$got" = "1" ]; then echo "ok: ls of the disk root"; else echo "FAIL: ls of the disk root: got [$got]"; failures=$((failures + 1)); fi
{ echo a; /bin/echo b; echo c; } > /tmp/grp
got="$(wc -l < /tmp/grp) $(tail -n 1 /tmp/grp)"
if [ "$got" = "3 c" ]; then echo "ok: a group's redirection shares one offset"; else echo "FAIL: a group's redirection shares one offset: got [$got]"; failures=$((failures + 1)); fi
echo "files-utils: $failures failures"
exit $failures
