#!/bin/sh
# Near miss: the variable forgotten (or set inside the shell afterwards, which the container's config never sees).
set -eu
docker run --rm -dit --name proxy-bare kaktuss/clickhouse-udp-proxy ash >/dev/null
