#!/bin/sh
# bin/disk-alive, after a corrupt disk (etc/disk-corrupt-test.conf runs it
# as `sh bin/disk-alive`; its #! line would do as well): the shell still
# runs programs and lists "/" (the disk, or the boot archive if fsd
# refused it).
echo "the shell still answers: $(ls / | wc -l) names in /"
