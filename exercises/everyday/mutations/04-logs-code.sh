#!/bin/sh
# Near miss: another container's code (courier's log) given for badge's.
set -eu
lab answer inspect-code "$(docker logs courier | sed -n 's/^delivery code: //p')"
