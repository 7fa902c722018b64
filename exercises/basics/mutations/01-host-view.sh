#!/bin/sh
# Near miss: the container is there, but what was reported is the host's view (hostname, address, shell PID).
set -eu
. "$LAB_EXERCISE_DIR/tty-input.sh"
n=$(running_count)
type_after_start "$n" | in_terminal 'docker run -it alpine'
lab answer hostname "$(hostname)"
lab answer ip "$(ip -4 -o addr show scope global | awk '{print $4; exit}' | cut -d/ -f1)"
lab answer shell-pid "$$"
lab answer size "$(du -sk /etc 2>/dev/null | awk '{print $1}')"
