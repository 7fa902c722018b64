#!/bin/sh
# A container with three limits, and the limits read back from its cgroup files.
set -eu
docker run -d --name limited --memory 64m --cpus 0.5 --pids-limit 20 busybox sleep 1d
pid=$(docker inspect -f '{{.State.Pid}}' limited)
cat "/proc/$pid/cgroup"
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
  dir=/sys/fs/cgroup$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")
  cat "$dir/memory.max" "$dir/cpu.max" "$dir/pids.max"
else
  cat "/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" {print $3}' "/proc/$pid/cgroup")/memory.limit_in_bytes"
fi
