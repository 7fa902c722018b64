#!/bin/sh
# docker info and docker version, read for the two lines the step asks about.
set -eu
docker info
docker version
lab answer daemon-id "$(docker info -f '{{.ID}}')"
lab answer api-version "$(docker version -f '{{.Server.APIVersion}}')"
