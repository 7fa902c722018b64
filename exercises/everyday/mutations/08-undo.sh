#!/bin/sh
set -eu
for c in proxy-kept proxy-bare proxy-notty proxy-detached; do docker rm -f "$c" >/dev/null 2>&1 || true; done
