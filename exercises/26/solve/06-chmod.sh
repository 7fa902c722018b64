#!/bin/sh
# What a student types inside `docker run -it --name sandbox debian`, in one go.
set -eu
docker run --name sandbox debian bash -c 'chmod -x /bin/chmod; chmod +x /bin/chmod 2>/dev/null || true; /lib64/ld-linux-x86-64.so.2 /bin/chmod +x /bin/chmod; ls -l /bin/chmod'
