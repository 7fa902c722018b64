#!/bin/sh
docker rm -f chain >/dev/null 2>&1 || true
