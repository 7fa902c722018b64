#!/bin/sh
# Near miss: the same two containers started by hand on a network made by hand, not by Compose.
set -eu
docker network create hand-net >/dev/null
docker run -d --name hand-db --network hand-net --network-alias db busybox httpd -f -p 80
docker run -d --name hand-web --network hand-net busybox sh -c 'while true; do ping -c 1 -W 1 db; sleep 2; done'
sleep 3
