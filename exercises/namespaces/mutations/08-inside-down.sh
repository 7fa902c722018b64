#!/bin/sh
# Near miss: the end is moved in and addressed, but never set up inside the namespace.
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
