#!/bin/sh
rm -f hello
for c in $(docker ps -aq); do
  img=$(docker inspect -f '{{.Config.Image}}' "$c")
  [ "$img" = hello ] && docker rm -f "$c" >/dev/null
done
true
