#!/usr/bin/env bash
echo "bazel coverage is not supported in the offline ViperDOS workspace" >&2
exit 1
