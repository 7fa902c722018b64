#!/bin/sh
# dd's 64 MiB buffer in a 32 MiB cgroup (no swap to spill into): the OOM killer ends it.
set -u
docker run --name hog --memory 32m --memory-swap 32m busybox dd if=/dev/zero of=/dev/null bs=64M count=1
docker inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' hog
lab answer oom a
