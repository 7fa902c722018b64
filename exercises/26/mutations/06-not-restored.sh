#!/bin/sh
# Near miss: chmod -x done in the container, but never put back.
set -eu
docker run --name sandbox-broken debian bash -c 'chmod -x /bin/chmod'
