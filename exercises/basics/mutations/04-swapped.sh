#!/bin/sh
# Near miss: both ended as asked, but the exit codes reported the wrong way round.
set -eu
docker run -d --name rude alpine sleep 1d
docker run -d --name polite alpine sh -c 'trap "exit 0" TERM; while true; do sleep 1; done'
docker kill rude
docker stop polite
lab answer kill-code "$(docker inspect -f '{{.State.ExitCode}}' polite)"
lab answer stop-code "$(docker inspect -f '{{.State.ExitCode}}' rude)"
