#!/bin/sh
# Near miss: the container's ID from docker ps -a, not what it printed.
set -eu
lab answer logs-code "$(docker ps -aq --filter name=^courier$)"
