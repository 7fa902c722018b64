#!/bin/sh
cp "$LAB_EXERCISE_DIR/files/overlay/lower3/base.txt" overlay/lower3/base.txt
