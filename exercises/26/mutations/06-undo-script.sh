#!/bin/sh
docker rm -f sandbox-script >/dev/null 2>&1 || true
