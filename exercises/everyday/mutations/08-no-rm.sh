#!/bin/sh
# Near miss: without --rm, the container would stay behind after the shell exits.
set -eu
docker run -dit -e CLICKHOUSE_ADDR=127.0.0.1:9000 --name proxy-kept kaktuss/clickhouse-udp-proxy ash >/dev/null
