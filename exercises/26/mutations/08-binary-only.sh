#!/bin/sh
# Near miss: the binary dropped into a busybox image, no package, no debian.
set -eu
mkdir -p wrongctx/usr/bin
dpkg-deb -x mywc_1.0_amd64.deb wrongctx/pkg
cp wrongctx/pkg/usr/bin/mywc wrongctx/usr/bin/mywc
printf 'FROM busybox\nCOPY usr/bin/mywc /usr/bin/mywc\n' > wrongctx/Dockerfile
docker build -q -t mywc-wrong2 wrongctx >/dev/null
