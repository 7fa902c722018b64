#!/bin/sh
# Near miss: the bit removed in the container's shell, which stays open (the container runs); the bit given back
# from the host through the container's upper dir meanwhile. The file ends as the solve leaves it, with its last
# change made while the container ran: only the kernel's record of the chmod tells who made it.
set -eu
docker run -dit --name sandbox debian bash >/dev/null
docker exec sandbox chmod -x /bin/chmod
upper=$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' sandbox)
chmod +x "$upper/usr/bin/chmod"
