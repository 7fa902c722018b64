#!/bin/sh
# Near miss: the right PIDs, process first.
set -eu
docker run -d --name chain busybox sleep 1d
pid=$(docker inspect -f '{{.State.Pid}}' chain)
shim=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
daemon=$(awk '/^PPid:/ {print $2}' "/proc/$shim/status")
lab answer chain "$pid $shim $daemon"
