#!/bin/sh
# docker run postgres with no password: the image refuses and exits.
set -u
docker run --name refused postgres
docker ps -a --filter name=refused
