#!/bin/sh
# Near miss (a dangerous one): chmod -x on the HOST, not in the container.
set -eu
chmod -x /usr/bin/chmod
docker run --name sandbox-wrong debian true
