#!/bin/sh
# Near miss: box run detached and attached to, but left with exit: the container ends with its shell.
set -eu
. "$LAB_EXERCISE_DIR/tty-input.sh"
docker run -dit --name box alpine
n=$(($(running_count) - 1))
type_after_start "$n" exit | in_terminal 'docker attach box' || true
docker wait box >/dev/null
