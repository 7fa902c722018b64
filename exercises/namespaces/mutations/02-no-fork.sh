#!/bin/sh
# Near miss: without --fork the program unshare runs stays in the host's pid namespace.
set -eu
unshare --pid sleep infinity >/dev/null 2>&1 &
echo $! >> .started-pids
sleep 1
