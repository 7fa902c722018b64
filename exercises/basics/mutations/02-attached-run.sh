#!/bin/sh
# Near miss: box run attached from the start (no -d), then left with the detach keys.
set -eu
. "$LAB_EXERCISE_DIR/tty-input.sh"
n=$(running_count)
type_after_start "$n" | in_terminal 'docker run -it --name box alpine' || true
