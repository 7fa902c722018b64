#!/bin/sh
# Ends the processes the scripts left running (their PIDs are in .started-pids). KILL, as unshare --fork ignores
# TERM; its --kill-child then ends the child.
[ -f .started-pids ] || exit 0
while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done < .started-pids
rm -f .started-pids
sleep 0.5
