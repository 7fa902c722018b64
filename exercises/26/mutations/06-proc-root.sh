#!/bin/sh
# Near miss: as 06-merged-dir.sh, but through /proc/<pid>/root of the container's shell, cd'd into first: the call
# then names "chmod" in "/usr/bin", as a chmod inside would. Only the login uid it carries tells it from the host.
set -eu
docker run -dit --name sandbox debian bash >/dev/null
docker exec sandbox chmod -x /bin/chmod
pid=$(docker inspect -f '{{.State.Pid}}' sandbox)
cd "/proc/$pid/root/usr/bin"
chmod +x chmod
