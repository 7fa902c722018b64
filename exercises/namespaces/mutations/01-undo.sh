#!/bin/sh
docker rm -f hostpid sidecar web >/dev/null 2>&1 || true
