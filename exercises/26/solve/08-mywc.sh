#!/bin/sh
set -eu
printf 'FROM debian\nCOPY mywc_1.0_amd64.deb /tmp/\nRUN dpkg -i /tmp/mywc_1.0_amd64.deb\n' > Dockerfile.mywc
docker build -f Dockerfile.mywc -t mywc .
docker run --rm mywc mywc /etc/debian_version
