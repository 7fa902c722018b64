#!/bin/sh
# The container first: an image is not removed while a container (even an exited one) uses it.
set -eu
docker images
docker rm old
docker rmi "everyday-leftover:${LAB_PARAM_TOKEN:?}"
docker images
