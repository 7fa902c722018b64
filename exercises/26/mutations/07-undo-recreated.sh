#!/bin/sh
docker rm -f sandbox2 >/dev/null 2>&1 || true
