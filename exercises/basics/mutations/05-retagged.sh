#!/bin/sh
# Near miss: hello-world has a second name; image rm hello-world then only removes that name.
set -eu
docker pull -q hello-world >/dev/null
docker tag hello-world greeting
docker image rm hello-world
