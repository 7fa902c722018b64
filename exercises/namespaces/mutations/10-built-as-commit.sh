#!/bin/sh
# Near miss: "ns-commit" made by a build; no container ever held the change.
set -eu
mkdir -p built
printf 'FROM busybox\nRUN echo %s > /etc/lab-token\n' "$LAB_PARAM_TOKEN" > built/Dockerfile
docker build -t ns-commit built
docker build -t ns-built built
