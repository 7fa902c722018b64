#!/bin/sh
# Near miss: box run detached, and nobody ever attached to it.
set -eu
docker run -dit --name box alpine
