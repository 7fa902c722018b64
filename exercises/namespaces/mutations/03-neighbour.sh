#!/bin/sh
# Near miss: a neighbour's hostname (the token is not this session's).
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
unshare --uts sh -c "hostname ns-0badc0 && exec sleep infinity" >/dev/null 2>&1 &
echo $! >> .started-pids
wait_until runs $! sleep
