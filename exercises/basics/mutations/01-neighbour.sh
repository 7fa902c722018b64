#!/bin/sh
# Near miss: a neighbour's answers copied — the hostname of a container that exists only on their machine.
set -eu
. "$LAB_EXERCISE_DIR/tty-input.sh"
n=$(running_count)
type_after_start "$n" | in_terminal 'docker run -it alpine'
lab answer hostname 3f2a9c1b7d4e
lab answer ip 172.17.0.2
lab answer shell-pid 1
lab answer size 2.1M
