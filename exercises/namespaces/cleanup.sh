#!/bin/sh
# Ends what the steps left running on the host (unshare and nsenter processes): the containers go with the engine.
sh "$LAB_EXERCISE_DIR/mutations/kill-started.sh"
