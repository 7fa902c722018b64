#!/bin/sh
# Near miss: a uts namespace of its own, but the hostname inside is still the host's.
set -eu
unshare --uts sleep infinity >/dev/null 2>&1 &
echo $! >> .started-pids
sleep 1
