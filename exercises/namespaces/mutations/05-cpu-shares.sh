#!/bin/sh
# Near miss: a CPU weight where a quota was asked.
set -eu
docker run -d --name limited --memory 64m --cpu-shares 512 --pids-limit 20 busybox sleep 1d
