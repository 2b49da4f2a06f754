#!/usr/bin/env bash
# bad_peer.py's own frames: checksums (RFC 1071's example), a SYN and an
# echo request that parse back, bad checksums that are bad.
exec python3 "$(dirname "$0")/bad_peer.py" --self-test
