#!/bin/sh
# The container's process, its parent (the shim) and the shim's parent (the daemon), as host PIDs.
set -eu
docker run -d --name chain busybox sleep 1d
pid=$(docker inspect -f '{{.State.Pid}}' chain)
shim=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
daemon=$(awk '/^PPid:/ {print $2}' "/proc/$shim/status")
ps -o pid,ppid,comm -p "$daemon,$shim,$pid" 2>/dev/null || true
lab answer chain "$daemon $shim $pid"
lab answer process-chain a
