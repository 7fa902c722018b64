#!/bin/sh
# Near miss: a Compose project whose web pings itself (localhost), never db by its name.
set -eu
. "${LAB_EXERCISE_DIR:-$(dirname "$0")/..}/lib/wait.sh"
mkdir -p app
cat > app/docker-compose.yml <<'YAML'
version: '2'
services:
  web:
    image: busybox
    command: sh -c 'while true; do ping -c 1 -W 1 localhost; sleep 2; done'
  db:
    image: busybox
    command: httpd -f -p 80
YAML
cd app
docker-compose up -d
wait_until sh -c 'docker-compose logs web | grep -q "PING localhost"'
