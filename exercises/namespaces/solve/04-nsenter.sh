#!/bin/sh
# A program started from the host inside every namespace of the web container.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
docker start web >/dev/null 2>&1 || docker run -d --name web busybox httpd -f -p 8080
pid=$(docker inspect -f '{{.State.Pid}}' web)
nsenter -t "$pid" -m -u -i -n -p sleep infinity >/dev/null 2>&1 &
echo $! >> .started-pids
wait_until child_runs $! sleep
nsenter -t "$pid" -m -u -i -n -p ps
