#!/bin/sh
# Three containers: web, a sidecar in web's network, and one in the host's pid namespace; then the inodes compared.
set -eu
docker run -d --name web busybox httpd -f -p 8080
docker run -d --name sidecar --network container:web busybox sleep 1d
docker run -d --name hostpid --pid=host busybox sleep 1d
for c in web sidecar hostpid; do
  pid=$(docker inspect -f '{{.State.Pid}}' "$c")
  echo "$c: $(readlink "/proc/$pid/ns/net") $(readlink "/proc/$pid/ns/pid")"
done
echo "host: $(readlink /proc/$$/ns/net) $(readlink /proc/$$/ns/pid)"
lab answer shared-net "$(readlink "/proc/$(docker inspect -f '{{.State.Pid}}' web)/ns/net")"
