#!/bin/sh
docker rm -f changed >/dev/null 2>&1 || true
docker rmi -f ns-commit ns-built >/dev/null 2>&1 || true
rm -rf built
