#!/bin/sh
# Near miss: started again, but nobody attached.
set -eu
docker start sandbox >/dev/null
sleep 1
