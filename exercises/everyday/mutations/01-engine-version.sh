#!/bin/sh
# Near miss: the server's Version line of docker version given as its API version.
set -eu
lab answer api-version "$(docker version -f '{{.Server.Version}}')"
