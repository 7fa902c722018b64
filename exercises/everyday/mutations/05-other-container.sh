#!/bin/sh
# Near miss: the host PID of another container's process (napper's).
set -eu
lab answer vault-pid "$(docker inspect -f '{{.State.Pid}}' napper)"
