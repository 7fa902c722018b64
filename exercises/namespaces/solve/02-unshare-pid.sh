#!/bin/sh
# A process left running as PID 1 of a new pid namespace with its own /proc. (--kill-child, so that killing
# unshare, as the clean-up does, ends its child too.)
set -eu
unshare --pid --fork --mount-proc --kill-child sleep infinity >/dev/null 2>&1 &
echo $! >> .started-pids
sleep 1
