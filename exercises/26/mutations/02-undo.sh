#!/bin/sh
docker rm -f $(docker ps -aq) >/dev/null 2>&1 || true
docker rmi -f hello >/dev/null 2>&1 || true
docker image prune -f >/dev/null
gcc -o hello_not_static hello.c
