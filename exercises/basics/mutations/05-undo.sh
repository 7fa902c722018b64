#!/bin/sh
# The previous step again, so that there is a killed and a stopped container to clean up.
set -eu
docker run -d --name rude alpine sleep 1d >/dev/null
docker run -d --name polite alpine sh -c 'trap "exit 0" TERM; while true; do sleep 1; done' >/dev/null
docker kill rude >/dev/null
docker stop polite >/dev/null
