#!/bin/sh
# Near miss: NET_ADMIN added to the defaults instead of alone; the link is added all the same.
set -eu
docker run -d --name netadmin --cap-add NET_ADMIN busybox sleep 1d
docker exec netadmin ip link add lab0 type veth peer name lab1
