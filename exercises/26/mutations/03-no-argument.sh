#!/bin/sh
# Near miss: static and tagged, but run without the argument the step asks for.
set -eu
gcc -static -o hello hello.c
printf 'FROM scratch\nCOPY hello /hello\nENTRYPOINT ["./hello"]\n' > Dockerfile
docker build -q -t hello . >/dev/null
docker run hello
