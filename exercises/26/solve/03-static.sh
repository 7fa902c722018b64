#!/bin/sh
set -eu
gcc -o hello -static hello.c
printf 'FROM scratch\nCOPY hello /hello\nENTRYPOINT ["./hello"]\n' > Dockerfile
docker build -t hello .
docker run hello 123
docker images
docker ps -a
