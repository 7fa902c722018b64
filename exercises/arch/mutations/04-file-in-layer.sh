#!/bin/sh
# Near miss: walk.txt written into the image's top layer dir, changing the image itself.
set -eu
top=$(docker image inspect -f '{{.GraphDriver.Data.UpperDir}}' "walk:${LAB_PARAM_TOKEN:?}")
mkdir -p image/upper
echo mine > "$top/walk.txt"
echo mine > image/upper/walk.txt
