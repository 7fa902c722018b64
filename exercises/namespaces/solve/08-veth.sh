#!/bin/sh
# A network namespace of its own (unshare --net), a veth pair between it and the host, both ends addressed and up.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
net="10.200.$LAB_PARAM_OCTET"
unshare --net sleep infinity >/dev/null 2>&1 &
pid=$!
echo "$pid" >> .started-pids
wait_until own_net "$pid"
ip link add veth-lab type veth peer name veth-ns
ip link set veth-ns netns "$pid"
ip addr add "$net.1/24" dev veth-lab
ip link set veth-lab up
nsenter -t "$pid" -n ip addr add "$net.2/24" dev veth-ns
nsenter -t "$pid" -n ip link set veth-ns up
nsenter -t "$pid" -n ip link set lo up
# iputils ping where installed, else busybox's.
if command -v ping >/dev/null; then ping -c 1 -W 2 "$net.2"; else busybox ping -c 1 -W 2 "$net.2"; fi
