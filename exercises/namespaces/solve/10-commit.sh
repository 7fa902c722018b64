#!/bin/sh
# The same change two ways: made in a running container and committed; written by a Dockerfile's RUN and built.
set -eu
docker run -d --name changed busybox sleep 1d
docker exec changed sh -c "echo $LAB_PARAM_TOKEN > /etc/lab-token"
docker commit changed ns-commit
mkdir -p built
printf 'FROM busybox\nRUN echo %s > /etc/lab-token\n' "$LAB_PARAM_TOKEN" > built/Dockerfile
docker build -t ns-built built
docker history ns-commit
docker history ns-built
lab answer commit a
