#!/bin/sh
docker rm -f named >/dev/null 2>&1 || true
