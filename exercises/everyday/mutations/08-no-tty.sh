#!/bin/sh
# Near miss: -i without -t: input kept open, but no terminal for the shell.
set -eu
docker run --rm -di -e CLICKHOUSE_ADDR=127.0.0.1:9000 --name proxy-notty kaktuss/clickhouse-udp-proxy ash >/dev/null
