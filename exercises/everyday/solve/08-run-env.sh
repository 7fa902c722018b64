#!/bin/sh
# The lecture's command on a terminal of its own; what a student types in the shell, then ctrl-p ctrl-q, which
# leaves the shell running for lab check (a student keeps it open in one terminal and runs lab check in another).
set -eu
# basics' helpers: a terminal for the docker CLI, and typing into it once the container runs.
. "$LAB_EXERCISE_DIR/../basics/tty-input.sh"
n=$(running_count)
type_after_start "$n" 'echo "$CLICKHOUSE_ADDR"' | in_terminal 'docker run --rm -it -e CLICKHOUSE_ADDR=127.0.0.1:9000 --name proxy-shell kaktuss/clickhouse-udp-proxy ash'
docker exec proxy-shell sh -c 'echo "$CLICKHOUSE_ADDR"'
