#!/bin/sh
# Near miss: the container removed, but the image kept under another name before its own was removed.
set -eu
docker rm old >/dev/null
docker tag "everyday-leftover:${LAB_PARAM_TOKEN:?}" keep:this
docker rmi "everyday-leftover:${LAB_PARAM_TOKEN:?}" >/dev/null
