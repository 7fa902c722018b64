#!/bin/sh
# Near miss: pushed and pulled under a neighbour's repository name.
set -eu
registry=$(docker info -f '{{index .RegistryConfig.Mirrors 0}}' | sed 's#^https\{0,1\}://##; s#/*$##')
ref="$registry/everyday/0badc0de:v1"
docker tag alpine "$ref"
docker push "$ref" >/dev/null
docker rmi "$ref" >/dev/null
docker pull "$ref" >/dev/null
