#!/bin/sh
docker rm -f shell web >/dev/null 2>&1 || true
