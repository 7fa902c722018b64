#!/bin/sh
set -eu
docker tag keep:this "everyday-leftover:${LAB_PARAM_TOKEN:?}"
docker rmi keep:this >/dev/null
docker create --name old "everyday-leftover:${LAB_PARAM_TOKEN:?}" cat /leftover.txt >/dev/null
