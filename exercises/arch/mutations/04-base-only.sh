#!/bin/sh
# Near miss: only the busybox layer's cache-id, the image's own layers forgotten.
set -eu
base=$(docker image inspect -f '{{.GraphDriver.Data.UpperDir}}' busybox)
lab answer cache-ids "$(basename "$(dirname "$base")")"
