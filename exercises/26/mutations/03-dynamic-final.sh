#!/bin/sh
# Near miss: the final image still holds the dynamic binary.
set -eu
cp hello_not_static hello
printf 'FROM scratch\nCOPY hello /hello\nENTRYPOINT ["./hello"]\n' > Dockerfile
docker build -q -t hello . >/dev/null
docker run hello 123 || true
