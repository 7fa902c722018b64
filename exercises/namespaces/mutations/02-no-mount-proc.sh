#!/bin/sh
# Near miss: PID 1 of a new pid namespace, but it still sees the host's /proc.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
unshare --pid --fork --kill-child sleep infinity >/dev/null 2>&1 &
echo $! >> .started-pids
wait_until child_runs $! sleep
