#!/bin/sh
# Near miss: pushed, never pulled back (push alone records a digest too).
set -eu
registry=$(docker info -f '{{index .RegistryConfig.Mirrors 0}}' | sed 's#^https\{0,1\}://##; s#/*$##')
ref="$registry/everyday/${LAB_PARAM_TOKEN:?}:v1"
docker tag alpine "$ref"
docker push "$ref" >/dev/null
