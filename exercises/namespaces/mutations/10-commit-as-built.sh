#!/bin/sh
# Near miss: "ns-built" committed from the changed container too: its history shows sleep 1d, not an instruction.
set -eu
docker run -d --name changed busybox sleep 1d
docker exec changed sh -c "echo $LAB_PARAM_TOKEN > /etc/lab-token"
docker commit changed ns-commit
docker commit changed ns-built
lab answer commit c
