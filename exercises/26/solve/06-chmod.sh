#!/bin/sh
# What a student types in the shell of `docker run -it --name sandbox debian`: script(1) gives the docker CLI the
# terminal it asks for, and types the lines into it.
set -eu
printf '%s\n' 'chmod -x /bin/chmod' 'chmod +x /bin/chmod || echo "chmod cannot run now"' \
  '/lib64/ld-linux-x86-64.so.2 /bin/chmod +x /bin/chmod' 'ls -l /bin/chmod' 'exit' |
  script -qec 'docker run -it --name sandbox debian bash' /dev/null >/dev/null
docker inspect sandbox --format '{{.State.Status}} {{.State.ExitCode}}'
