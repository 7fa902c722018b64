#!/bin/sh
# rude ignores SIGTERM (sleep as PID 1 has no handler) and is killed; polite ends itself on SIGTERM and is stopped.
set -eu
docker run -d --name rude alpine sleep 1d
docker run -d --name polite alpine sh -c 'trap "exit 0" TERM; while true; do sleep 1; done'
docker kill rude
docker stop polite
docker ps -a --filter name=rude --filter name=polite
lab answer kill-code "$(docker inspect -f '{{.State.ExitCode}}' rude)"
lab answer stop-code "$(docker inspect -f '{{.State.ExitCode}}' polite)"
