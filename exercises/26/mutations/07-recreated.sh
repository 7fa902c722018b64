#!/bin/sh
# Near miss: a new container instead of starting the old one again.
set -eu
docker run --name sandbox2 debian bash -c 'chmod -x /bin/chmod; /lib64/ld-linux-x86-64.so.2 /bin/chmod +x /bin/chmod'
