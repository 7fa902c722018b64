#!/bin/sh
# Near miss: the PID vault's process has inside its own pid namespace (docker exec vault ps).
set -eu
lab answer vault-pid "$(docker exec vault ps -o pid,args | awk '$2 == "sleep" {print $1}')"
