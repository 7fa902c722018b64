#!/bin/sh
set -eu
sh "$LAB_EXERCISE_DIR/mutations/05-undo-files.sh"
lab engine restart --exec-root "${LAB_PARAM_EXEC_ROOT:?}"
