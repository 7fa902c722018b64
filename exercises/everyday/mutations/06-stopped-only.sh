#!/bin/sh
# Near miss: stopped, and left stopped.
set -eu
docker stop napper >/dev/null
