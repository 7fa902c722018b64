#!/bin/sh
# Near miss: the right commands, but handed to bash -c instead of typed in a shell inside docker run -it.
set -eu
docker run --name sandbox-script debian bash -c 'chmod -x /bin/chmod; /lib64/ld-linux-x86-64.so.2 /bin/chmod +x /bin/chmod'
