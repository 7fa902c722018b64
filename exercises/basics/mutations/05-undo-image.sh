#!/bin/sh
docker image rm greeting >/dev/null 2>&1 || true
