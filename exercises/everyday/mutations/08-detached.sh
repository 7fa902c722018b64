#!/bin/sh
# Near miss: every option of the lecture's command, but run with -d: the shell never had a terminal of the student's.
set -eu
docker run --rm -dit -e CLICKHOUSE_ADDR=127.0.0.1:9000 --name proxy-detached kaktuss/clickhouse-udp-proxy ash >/dev/null
