#!/bin/sh
docker rm -f -v db db2 >/dev/null 2>&1 || true
docker volume rm pgdata2 >/dev/null 2>&1 || true
