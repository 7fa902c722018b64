#!/bin/sh
# Near miss: a detached alpine without -it; its true facts reported, but no shell was ever explored.
set -eu
id=$(docker run -d alpine sleep 1d)
lab answer hostname "$(docker exec "$id" hostname)"
lab answer ip "$(docker exec "$id" ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)"
lab answer shell-pid 1
lab answer size "$(docker exec "$id" sh -c 'du -sk / 2>/dev/null' | awk '{print $1}')"
