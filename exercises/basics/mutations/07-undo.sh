#!/bin/sh
docker rm -f db >/dev/null 2>&1 || true
docker volume rm pgdata >/dev/null 2>&1 || true
