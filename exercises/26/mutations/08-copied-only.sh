#!/bin/sh
# Near miss: the package is copied into the image but never installed.
set -eu
printf 'FROM debian\nCOPY mywc_1.0_amd64.deb /tmp/\n' > Dockerfile.wrong
docker build -q -f Dockerfile.wrong -t mywc-wrong . >/dev/null
