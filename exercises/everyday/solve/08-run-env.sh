#!/bin/sh
# The lecture's command; -d added only because no one types into this shell here (a student runs it without -d
# and keeps it open in one terminal while lab check runs in another).
set -eu
docker run --rm -dit -e CLICKHOUSE_ADDR=127.0.0.1:9000 --name proxy-shell kaktuss/clickhouse-udp-proxy ash >/dev/null
docker exec proxy-shell sh -c 'echo "$CLICKHOUSE_ADDR"'
