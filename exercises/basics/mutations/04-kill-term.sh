#!/bin/sh
# Near miss: docker kill -s TERM sends the same signal as stop, but it is not docker stop.
set -eu
docker run -d --name rude alpine sleep 1d
docker run -d --name polite alpine sh -c 'trap "exit 0" TERM; while true; do sleep 1; done'
docker kill rude
docker kill -s TERM polite
docker wait polite >/dev/null  # its trap ends it within a second
