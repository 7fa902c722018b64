#!/bin/sh
set -eu
docker load -i debian.tar
