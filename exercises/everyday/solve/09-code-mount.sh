#!/bin/sh
# The file edited on the host, then run in a container that sees the host folder at /code.
set -eu
sed -i "s/^echo .*/echo \"hello from ${LAB_PARAM_TOKEN:?}\"/" code/app.sh
docker run --name coder -v "$PWD/code:/code" alpine sh /code/app.sh
