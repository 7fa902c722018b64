#!/bin/sh
# Near miss: a soft memory limit (reservation) where a hard one was asked.
set -eu
docker run -d --name limited --memory-reservation 64m --cpus 0.5 --pids-limit 20 busybox sleep 1d
