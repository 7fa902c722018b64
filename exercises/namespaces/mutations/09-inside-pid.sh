#!/bin/sh
# Near miss: the process's PID as ps shows it inside the container (1), not the host's.
set -eu
docker run -d --name chain busybox sleep 1d
pid=$(docker inspect -f '{{.State.Pid}}' chain)
shim=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
daemon=$(awk '/^PPid:/ {print $2}' "/proc/$shim/status")
lab answer chain "$daemon $shim 1"
