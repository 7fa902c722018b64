#!/bin/sh
# Near miss: --network host shares the host's network, not web's; the inode reported is the host's.
set -eu
docker run -d --name web busybox httpd -f -p 8080
docker run -d --name sidecar --network host busybox sleep 1d
docker run -d --name hostpid --pid=host busybox sleep 1d
lab answer shared-net "$(readlink "/proc/$(docker inspect -f '{{.State.Pid}}' sidecar)/ns/net")"
