#!/bin/sh
# docker top: vault's processes with their host PIDs (the PID column).
set -eu
docker top vault
lab answer vault-pid "$(docker top vault | awk 'NR == 2 {print $2}')"
