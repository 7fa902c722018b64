#!/bin/sh
# A process left running as PID 1 of a new pid namespace with its own /proc. (--kill-child, so that killing
# unshare, as the clean-up does, ends its child too.)
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
unshare --pid --fork --mount-proc --kill-child sleep infinity >/dev/null 2>&1 &
pid=$!
echo "$pid" >> .started-pids
wait_until child_runs "$pid" sleep
