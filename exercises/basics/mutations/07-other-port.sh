#!/bin/sh
# Near miss: published on 54320, the lecture's port, not on the one this lab asks for.
set -eu
. "$LAB_EXERCISE_DIR/pg-wait.sh"
docker run -d --name db -e POSTGRES_PASSWORD=secret -p 54320:5432 -v pgdata:/var/lib/postgresql/data postgres
pg_wait 54320
PGPASSWORD=secret psql -h 127.0.0.1 -p 54320 -U postgres -c 'CREATE TABLE guests (name text)'
