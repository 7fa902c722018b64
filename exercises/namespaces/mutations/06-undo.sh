#!/bin/sh
docker rm -f hog >/dev/null 2>&1 || true
