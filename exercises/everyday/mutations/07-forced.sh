#!/bin/sh
# Near miss: docker rmi -f while old still uses the image: the image is deleted from the list, but old stays and
# keeps its layers on disk.
set -eu
docker rmi -f "everyday-leftover:${LAB_PARAM_TOKEN:?}" >/dev/null
