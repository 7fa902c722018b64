#!/bin/sh
docker rm -f sandbox >/dev/null 2>&1 || true
