#!/bin/sh
# Near miss: a neighbour's hostname (the token is not this session's).
set -eu
unshare --uts sh -c "hostname ns-0badc0 && exec sleep infinity" >/dev/null 2>&1 &
echo $! >> .started-pids
sleep 1
