#!/bin/sh
# The same container stopped and started again.
set -eu
docker stop napper
docker ps -a --filter name=^napper$
docker start napper
