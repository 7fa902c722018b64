#!/bin/sh
# courier has exited; what it printed is still in its log.
set -eu
docker ps -a
lab answer logs-code "$(docker logs courier | sed -n 's/^delivery code: //p')"
