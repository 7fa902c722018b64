#!/bin/sh
# Near miss: NET_ADMIN alone, but the link tried in the container with no capabilities, where it fails.
set -u
docker run -d --name nocaps --cap-drop ALL busybox sleep 1d
docker run -d --name netadmin --cap-drop ALL --cap-add NET_ADMIN busybox sleep 1d
docker exec nocaps ip link add lab0 type veth peer name lab1
exit 0
