#!/bin/sh
# Near miss: a uts namespace of its own, but the hostname inside is still the host's.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
unshare --uts sleep infinity >/dev/null 2>&1 &
echo $! >> .started-pids
wait_until runs $! sleep
