#!/bin/sh
# A shell script in the boot archive: //kernel:shell_session_test runs it
# with `sh FILE ARGS` and through this #! line.
echo "demo: $# arguments: $*"
