#!/usr/bin/env bash
# CI: the mutation check (testing/mutation/run.sh): every host-test and
# compile-time mutation, and a rotating subset of the QEMU ktest ones. Fails
# on any survivor and on any patch that no longer applies.
set -uo pipefail
exec bash "$(dirname "$0")/run.sh" "$@"
