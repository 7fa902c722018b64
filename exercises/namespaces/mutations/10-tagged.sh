#!/bin/sh
# Near miss: busybox tagged as ns-commit: no change at all; and the build's file holds another student's token.
set -eu
docker tag busybox ns-commit
mkdir -p built
printf 'FROM busybox\nRUN echo 0badc0 > /etc/lab-token\n' > built/Dockerfile
docker build -t ns-built built
