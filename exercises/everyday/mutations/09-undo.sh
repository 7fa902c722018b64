#!/bin/sh
set -eu
for c in coder-copy coder-elsewhere coder-volume; do docker rm -f "$c" >/dev/null 2>&1 || true; done
docker volume rm everyday-code >/dev/null 2>&1 || true
rm -rf code-copy
cp "$LAB_EXERCISE_DIR/files/code/app.sh" code/app.sh
