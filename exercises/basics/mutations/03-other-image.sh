#!/bin/sh
# Near miss: the IMAGE ID of the wrong line of docker image ls.
set -eu
docker pull -q hello-world >/dev/null
lab answer image-id "$(docker image ls hello-world --format '{{.ID}}' | head -1)"
