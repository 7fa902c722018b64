#!/bin/sh
# No capabilities at all; NET_ADMIN alone, which ip link add needs; the default set decoded from CapEff.
set -u
docker start web >/dev/null 2>&1 || docker run -d --name web busybox httpd -f -p 8080
docker run -d --name nocaps --cap-drop ALL busybox sleep 1d
docker exec nocaps ip link add lab0 type veth peer name lab1 && exit 1   # must fail: Operation not permitted
docker run -d --name netadmin --cap-drop ALL --cap-add NET_ADMIN busybox sleep 1d
docker exec netadmin ip link add lab0 type veth peer name lab1 || exit 1
grep Cap "/proc/$(docker inspect -f '{{.State.Pid}}' netadmin)/status"
capeff=$(awk '/^CapEff:/ {print $2}' "/proc/$(docker inspect -f '{{.State.Pid}}' web)/status")
names=$(capsh --decode="$capeff" | sed 's/.*=//; s/,/ /g; s/cap_//g')
lab answer default-caps "$names"
