#!/bin/sh
# Near miss: the host file edited, then copied into a container with docker cp: it runs a copy, not the host's file.
set -eu
sed -i "s/^echo .*/echo \"hello from ${LAB_PARAM_TOKEN:?}\"/" code/app.sh
docker create --name coder-copy alpine sh /code/app.sh >/dev/null
docker cp code coder-copy:/code
docker start -a coder-copy
