#!/bin/sh
# Near miss: the shell container's process reported instead of the server's.
set -eu
docker run -dit --name shell busybox sh
docker run -d --name web busybox httpd -f -p 8080
lab answer server-pid-host "$(docker inspect -f '{{.State.Pid}}' shell)"
