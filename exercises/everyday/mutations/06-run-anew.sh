#!/bin/sh
# Near miss: a new container named napper made with docker run (the old one renamed out of the way).
set -eu
docker rename napper napper-old
docker run -d --name napper alpine sleep 1d >/dev/null
