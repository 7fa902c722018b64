#!/bin/sh
docker rm -f limited >/dev/null 2>&1 || true
