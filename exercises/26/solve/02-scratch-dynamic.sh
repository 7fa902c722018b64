#!/bin/sh
set -eu
printf 'FROM scratch\nCOPY hello_not_static /hello\nENTRYPOINT ["./hello"]\n' > Dockerfile
docker build -t hello .
docker images
docker run hello 123 || echo "failed as expected"
docker ps -a
