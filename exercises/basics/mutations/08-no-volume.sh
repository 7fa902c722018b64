#!/bin/sh
# Near miss: the old container removed, the new one started without -v: a fresh, empty database.
set -eu
. "$LAB_EXERCISE_DIR/pg-wait.sh"
P=$LAB_PARAM_PG_PORT
docker rm -f db
docker run -d --name db -e POSTGRES_PASSWORD=secret -p "$P:5432" postgres
pg_wait "$P"
