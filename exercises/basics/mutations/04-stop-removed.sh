#!/bin/sh
# Near miss: docker stop for both, then both removed: the engine's events still tell how rude ended, and it was no kill.
set -eu
docker run -d --name rude alpine sleep 1d
docker run -d --name polite alpine sh -c 'trap "exit 0" TERM; while true; do sleep 1; done'
docker stop -t 1 rude polite
docker rm rude polite
