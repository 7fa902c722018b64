#!/bin/sh
# The image and old made again, as the lab's preparation makes them.
set -eu
docker rm -f old >/dev/null
ctx=$(mktemp -d)
echo "left over from session $LAB_PARAM_TOKEN" > "$ctx/leftover.txt"
printf 'FROM alpine\nLABEL lab.everyday.leftover="%s"\nCOPY leftover.txt /leftover.txt\n' "$LAB_PARAM_TOKEN" > "$ctx/Dockerfile"
docker build -q -t "everyday-leftover:$LAB_PARAM_TOKEN" "$ctx" >/dev/null
rm -rf "$ctx"
docker run --name old "everyday-leftover:$LAB_PARAM_TOKEN" cat /leftover.txt >/dev/null
