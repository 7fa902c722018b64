#!/bin/sh
# badge never ran: its configuration is all there is to read.
set -eu
docker inspect badge >/dev/null
lab answer inspect-code "$(docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' badge | sed -n 's/^BADGE=//p')"
