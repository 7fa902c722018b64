#!/bin/sh
set -eu
docker ps -a
docker start -a sandbox
