#!/bin/sh
# Near miss: docker stop for both: nothing was ever killed.
set -eu
docker run -d --name rude alpine sleep 1d
docker run -d --name polite alpine sh -c 'trap "exit 0" TERM; while true; do sleep 1; done'
docker stop -t 1 rude polite
