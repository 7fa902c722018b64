#!/bin/sh
# Near miss: the busybox image saved and loaded again under the debian name.
set -eu
docker save busybox -o /tmp/lab26-not-debian.tar
docker load -i /tmp/lab26-not-debian.tar >/dev/null
docker tag busybox debian:bookworm
rm -f /tmp/lab26-not-debian.tar
