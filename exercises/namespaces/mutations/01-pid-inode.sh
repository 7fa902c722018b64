#!/bin/sh
# Near miss: the right containers, but the inode of web's pid namespace reported for the shared network.
set -eu
docker run -d --name web busybox httpd -f -p 8080
docker run -d --name sidecar --network container:web busybox sleep 1d
docker run -d --name hostpid --pid=host busybox sleep 1d
lab answer shared-net "$(readlink "/proc/$(docker inspect -f '{{.State.Pid}}' web)/ns/pid" | tr -dc 0-9)"
