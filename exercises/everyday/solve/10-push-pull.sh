#!/bin/sh
# The course registry is the engine's mirror: docker info names it. Push there, remove the local name, pull back.
set -eu
registry=$(docker info -f '{{index .RegistryConfig.Mirrors 0}}' | sed 's#^https\{0,1\}://##; s#/*$##')
ref="$registry/everyday/${LAB_PARAM_TOKEN:?}:v1"
docker tag alpine "$ref"
docker push "$ref"
docker rmi "$ref"
docker pull "$ref"
docker inspect -f '{{.RepoDigests}}' "$ref"
