#!/bin/sh
# Near miss: exit code 137 from docker kill, with no OOM kill at all.
set -eu
docker run -d --name hog --memory 32m --memory-swap 32m busybox sleep 1d
docker kill hog
docker wait hog
