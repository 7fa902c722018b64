#!/bin/sh
# Near miss: every stopped container removed one by one with docker rm; prune never run.
set -eu
docker rm rude polite
