#!/bin/sh
docker rm -f sandbox-broken >/dev/null 2>&1 || true
