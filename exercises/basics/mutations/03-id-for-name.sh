#!/bin/sh
# Near miss: the CONTAINER ID column read for the NAMES one.
set -eu
lab answer auto-name "$(docker ps -a --format '{{.ID}} {{.Image}}' | awk '$2 == "alpine" {print $1}' | tail -1)"
