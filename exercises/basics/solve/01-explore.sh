#!/bin/sh
# What a student types in the shell of `docker run -it alpine`; ctrl-p ctrl-q leaves the shell running, so the
# container keeps its address for lab check. Then what the shell showed is reported.
set -eu
. "$LAB_EXERCISE_DIR/tty-input.sh"
n=$(running_count)
type_after_start "$n" 'hostname' 'ps' 'ip a' 'du -sh / 2>/dev/null' | in_terminal 'docker run -it alpine'
id=$(docker ps -lq)
lab answer hostname "$(docker exec "$id" hostname)"
lab answer ip "$(docker exec "$id" ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)"
lab answer shell-pid "$(docker exec "$id" ps -o pid,comm | awk '$2 == "sh" {print $1; exit}')"
lab answer size "$(docker exec "$id" sh -c 'du -sk / 2>/dev/null' | awk '{print $1}')"
