#!/bin/sh
# Near miss: the daemon's Name line of docker info (the host's name) given as its ID.
set -eu
lab answer daemon-id "$(docker info -f '{{.Name}}')"
