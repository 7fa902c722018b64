#!/bin/sh
# Near miss: the image gets a static binary, so nothing fails.
set -eu
gcc -static -o hello_not_static hello.c
printf 'FROM scratch\nCOPY hello_not_static /hello\nENTRYPOINT ["./hello"]\n' > Dockerfile
docker build -q -t hello . >/dev/null
docker run hello 123
