#!/bin/sh
docker rmi -f mywc-wrong mywc-wrong2 >/dev/null 2>&1 || true
rm -rf wrongctx Dockerfile.wrong
