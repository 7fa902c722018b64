#!/bin/sh
docker rm -f sandbox-touched >/dev/null 2>&1 || true
