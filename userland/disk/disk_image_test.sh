#!/bin/sh
# disk_image_test.sh IMAGE MOTD: the default disk is a clean ext2 image
# with /etc/motd (byte-exact), /home/user and /tmp, owned by root.
set -eu
PATH=$PATH:/usr/sbin:/sbin
image=$1 motd=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
e2fsck -fn "$image" >/dev/null 2>&1 || fail "e2fsck -fn finds $image unclean"
debugfs -R "cat /etc/motd" "$image" 2>/dev/null >motd.out
cmp motd.out "$motd" || fail "/etc/motd differs"
listing=$(debugfs -R "ls -l /" "$image" 2>/dev/null)
for name in etc home tmp lost+found; do
  echo "$listing" | grep -q " $name\$" || fail "/ lacks $name: $listing"
done
debugfs -R "ls /home" "$image" 2>/dev/null | grep -q user || fail "/home lacks user"
owners=$(debugfs -R "stat /etc/motd" "$image" 2>/dev/null | grep -c "User: *0 *Group: *0")
[ "$owners" = 1 ] || fail "/etc/motd is not root's"
type=$(debugfs -R "stats" "$image" 2>/dev/null | grep "Filesystem features" || true)
echo "$type" | grep -q has_journal && fail "an ext2 image has no journal: $type"
echo "1 passed, 0 failed"
