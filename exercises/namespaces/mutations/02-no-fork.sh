#!/bin/sh
# Near miss: without --fork the program unshare runs stays in the host's pid namespace.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
unshare --pid sleep infinity >/dev/null 2>&1 &
echo $! >> .started-pids
wait_until runs $! sleep
