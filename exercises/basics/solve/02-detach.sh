#!/bin/sh
# docker run -d returns at once; docker attach joins the shell, and ctrl-p ctrl-q leaves it running.
set -eu
. "$LAB_EXERCISE_DIR/tty-input.sh"
docker run -dit --name box alpine
n=$(($(running_count) - 1))
type_after_start "$n" 'echo attached' | in_terminal 'docker attach box' || true  # the CLI says "read escape sequence" and exits 1
docker ps --filter name=box
