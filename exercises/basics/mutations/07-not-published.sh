#!/bin/sh
# Near miss: no -p; the table made with psql inside the container, which the host cannot reach.
set -eu
docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres
n=0
until docker exec db psql -h 127.0.0.1 -U postgres -Atc 'SELECT 1' >/dev/null 2>&1; do
  n=$((n + 1)); [ "$n" -lt 180 ] || exit 1; sleep 1
done
docker exec db psql -h 127.0.0.1 -U postgres -c 'CREATE TABLE guests (name text)'
