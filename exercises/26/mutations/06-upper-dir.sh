#!/bin/sh
# Near miss: the bit removed in the container's shell, which then exits; the bit given back from the host through
# the container's upper dir (the engine's store), not inside the container.
set -eu
printf '%s\n' 'chmod -x /bin/chmod' 'exit' |
  script -qec 'docker run -it --name sandbox debian bash' /dev/null >/dev/null
sleep 2
upper=$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' sandbox)
chmod +x "$upper/usr/bin/chmod"
