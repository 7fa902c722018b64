#!/bin/sh
# Near miss: as 06-upper-dir-open.sh, but the bit given back through the container's own view of its files from
# the host (its merged dir: the same device and inode a chmod inside reaches), the container's shell still open.
set -eu
docker run -dit --name sandbox debian bash >/dev/null
docker exec sandbox chmod -x /bin/chmod
merged=$(docker inspect -f '{{.GraphDriver.Data.MergedDir}}' sandbox)
chmod +x "$merged/usr/bin/chmod"
