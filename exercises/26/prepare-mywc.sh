#!/bin/sh
# Run in the lab's work dir at `lab start`: hands the student mywc's source and its built package.
set -eu
mkdir -p mywc
cp "$LAB_EXERCISE_DIR/files/mywc/mywc.c" "$LAB_EXERCISE_DIR/files/mywc/control" "$LAB_EXERCISE_DIR/files/mywc/build-deb.sh" mywc/
sh mywc/build-deb.sh .
