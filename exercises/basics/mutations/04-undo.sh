#!/bin/sh
docker rm -f rude polite >/dev/null 2>&1 || true
