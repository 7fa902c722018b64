#!/bin/sh
docker rm -f hand-web hand-db >/dev/null 2>&1 || true
docker network rm hand-net >/dev/null 2>&1 || true
if [ -f app/docker-compose.yml ]; then (cd app && docker-compose down -t 1 >/dev/null 2>&1) || true; fi
rm -rf app
