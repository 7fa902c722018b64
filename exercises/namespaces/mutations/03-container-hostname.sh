#!/bin/sh
# Near miss: the right hostname, but in a container's uts namespace, made by the engine.
set -eu
: "${LAB_PARAM_TOKEN:?}"
docker run -d --name named --hostname "ns-$LAB_PARAM_TOKEN" busybox sleep 1d
