#!/bin/sh
# docker ps -a shows the exited sandbox; docker start -ai runs the same container again, attached to its shell.
set -eu
docker ps -a
printf '%s\n' 'ls -l /bin/chmod' 'exit' | script -qec 'docker start -ai sandbox' /dev/null >/dev/null
docker inspect sandbox --format '{{.State.Status}} {{.State.ExitCode}}'
