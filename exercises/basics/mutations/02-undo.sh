#!/bin/sh
docker rm -f box >/dev/null 2>&1 || true
