#!/bin/sh
# docker ps -a and docker image ls: the engine's name for the first container, and alpine's IMAGE ID.
set -eu
docker ps -a
docker container ls -a
docker image ls
lab answer auto-name "$(docker ps -a --format '{{.Names}} {{.Image}}' | awk '$2 == "alpine" {print $1}' | grep -E '^[a-z]+_[a-z]+$' | head -1)"
lab answer image-id "$(docker image ls alpine --format '{{.ID}}' | head -1)"
