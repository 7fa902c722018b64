#!/bin/sh
# Near miss: some other image passed off as debian.
set -eu
docker tag busybox debian:latest
