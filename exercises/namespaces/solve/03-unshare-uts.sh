#!/bin/sh
# A new uts namespace whose hostname is this session's own; the host keeps its hostname.
set -eu
: "${LAB_PARAM_TOKEN:?}"
unshare --uts sh -c "hostname ns-$LAB_PARAM_TOKEN && exec sleep infinity" >/dev/null 2>&1 &
echo $! >> .started-pids
sleep 1
nsenter -t "$(tail -n1 .started-pids)" -u hostname
hostname
