#!/bin/sh
set -eu
docker tag "$(docker inspect -f '{{.Image}}' old)" "everyday-leftover:${LAB_PARAM_TOKEN:?}"
