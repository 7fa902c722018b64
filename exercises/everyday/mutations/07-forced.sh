#!/bin/sh
# Near miss: docker rmi -f while old still uses the image: the name goes, the image and the container stay.
set -eu
docker rmi -f "everyday-leftover:${LAB_PARAM_TOKEN:?}" >/dev/null
