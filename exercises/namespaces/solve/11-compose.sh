#!/bin/sh
# Two services of one Compose project; web finds db by its service name on the project's network.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
mkdir -p app
cat > app/docker-compose.yml <<'YAML'
version: '2'
services:
  web:
    image: busybox
    command: sh -c 'while true; do ping -c 1 -W 1 db; sleep 2; done'
    depends_on:
      - db
  db:
    image: busybox
    command: httpd -f -p 80
YAML
cd app
docker-compose up -d
wait_until sh -c 'docker-compose logs web | grep -q "PING db"'
docker-compose ps
docker-compose logs --tail 3 web
