#!/bin/sh
# Near miss: only the container's network namespace entered.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
docker start web >/dev/null 2>&1 || docker run -d --name web busybox httpd -f -p 8080
nsenter -t "$(docker inspect -f '{{.State.Pid}}' web)" -n sleep infinity >/dev/null 2>&1 &
echo $! >> .started-pids
wait_until runs $! sleep
