#!/bin/sh
docker rm -f pw fails >/dev/null 2>&1 || true
