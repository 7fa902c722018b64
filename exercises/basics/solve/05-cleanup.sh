#!/bin/sh
# rm one container, prune the other stopped ones, prune unused images, remove hello-world by name.
set -eu
docker run hello-world
docker rm rude
docker container prune -f
docker image prune -f
docker image rm hello-world
docker ps -a
docker image ls
