#!/bin/sh
# The container removed, a new one made with the same -v: the table is still there.
set -eu
. "$LAB_EXERCISE_DIR/pg-wait.sh"
P=$LAB_PARAM_PG_PORT
docker rm -f db
docker run -d --name db -e POSTGRES_PASSWORD=secret -p "$P:5432" -v pgdata:/var/lib/postgresql/data postgres
pg_wait "$P"
PGPASSWORD=secret psql -h 127.0.0.1 -p "$P" -U postgres -c '\dt' -c 'SELECT * FROM guests'
