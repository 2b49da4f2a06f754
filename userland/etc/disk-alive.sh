#!/bin/sh
# bin/disk-alive, after a corrupt disk (etc/disk-corrupt-test.conf; run as
# `sh bin/disk-alive`, since spawn does not read #! lines): the shell still
# runs programs and lists "/" (the disk, or the boot archive if fsd
# refused it).
echo "the shell still answers: $(ls / | wc -l) names in /"
