#!/bin/sh
# Near miss: courier's code (from its log) given for vault's.
set -eu
lab answer exec-code "$(docker logs courier | sed -n 's/^delivery code: //p')"
