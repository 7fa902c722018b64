#!/bin/sh
# Near miss: one container with a volume of its own, stopped and started again: nothing was removed or reused.
set -eu
. "$LAB_EXERCISE_DIR/pg-wait.sh"
P=$LAB_PARAM_PG_PORT
docker run -d --name db2 -e POSTGRES_PASSWORD=secret -p "$P:5432" -v pgdata2:/var/lib/postgresql/data postgres
pg_wait "$P"
PGPASSWORD=secret psql -h 127.0.0.1 -p "$P" -U postgres -c 'CREATE TABLE guests (name text)'
docker stop db2
docker start db2
pg_wait "$P"
