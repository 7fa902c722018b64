#!/bin/sh
# Near miss: the same two containers started by hand on a network made by hand, not by Compose.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
docker network create hand-net >/dev/null
docker run -d --name hand-db --network hand-net --network-alias db busybox httpd -f -p 80
docker run -d --name hand-web --network hand-net busybox sh -c 'while true; do ping -c 1 -W 1 db; sleep 2; done'
wait_until sh -c 'docker logs hand-web 2>&1 | grep -q "PING db"'
