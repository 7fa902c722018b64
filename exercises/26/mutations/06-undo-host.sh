#!/bin/sh
/lib64/ld-linux-x86-64.so.2 /usr/bin/chmod 755 /usr/bin/chmod
docker rm -f sandbox-wrong >/dev/null 2>&1 || true
