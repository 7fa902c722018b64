#!/bin/sh
# Near miss: the third container without --pid=host has a pid namespace of its own.
set -eu
docker run -d --name web busybox httpd -f -p 8080
docker run -d --name sidecar --network container:web busybox sleep 1d
docker run -d --name hostpid busybox sleep 1d
lab answer shared-net "$(readlink "/proc/$(docker inspect -f '{{.State.Pid}}' web)/ns/net")"
