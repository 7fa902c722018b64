#!/bin/sh
# Near miss: docker kill (SIGKILL at once) instead of docker stop, then started again.
set -eu
docker kill napper >/dev/null
docker start napper >/dev/null
