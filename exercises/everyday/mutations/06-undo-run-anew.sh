#!/bin/sh
set -eu
docker rm -f napper >/dev/null
docker rename napper-old napper
