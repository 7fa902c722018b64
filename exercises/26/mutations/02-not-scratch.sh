#!/bin/sh
# Near miss: the dynamic binary on top of busybox instead of scratch.
set -eu
gcc -o hello_not_static hello.c
printf 'FROM busybox\nCOPY hello_not_static /hello\nENTRYPOINT ["./hello"]\n' > Dockerfile
docker build -q -t hello . >/dev/null
docker run hello 123 || true
