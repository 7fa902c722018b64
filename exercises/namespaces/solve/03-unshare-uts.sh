#!/bin/sh
# A new uts namespace whose hostname is this session's own; the host keeps its hostname.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
: "${LAB_PARAM_TOKEN:?}"
unshare --uts sh -c "hostname ns-$LAB_PARAM_TOKEN && exec sleep infinity" >/dev/null 2>&1 &
pid=$!
echo "$pid" >> .started-pids
wait_until runs "$pid" sleep
nsenter -t "$pid" -u hostname
hostname
