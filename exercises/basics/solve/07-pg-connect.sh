#!/bin/sh
# A password with -e, the port published with -p, the data dir in the volume pgdata; psql from the host.
set -eu
. "$LAB_EXERCISE_DIR/pg-wait.sh"
P=$LAB_PARAM_PG_PORT
docker run -d --name db -e POSTGRES_PASSWORD=secret -p "$P:5432" -v pgdata:/var/lib/postgresql/data postgres
pg_wait "$P"
PGPASSWORD=secret psql -h 127.0.0.1 -p "$P" -U postgres -c 'CREATE TABLE guests (name text)' -c "INSERT INTO guests VALUES ('Ada')"
