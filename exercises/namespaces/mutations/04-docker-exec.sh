#!/bin/sh
# Near miss: the engine runs the program in the container's namespaces (docker exec), not nsenter.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
docker start web >/dev/null 2>&1 || docker run -d --name web busybox httpd -f -p 8080
docker exec -d web sleep 3600
wait_until sh -c 'docker top web | grep -q "sleep 3600"'
