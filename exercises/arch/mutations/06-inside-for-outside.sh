#!/bin/sh
# Near miss: the PID ps shows inside the container reported as the host's.
set -eu
docker run -dit --name shell busybox sh
docker run -d --name web busybox httpd -f -p 8080
inside=$(docker exec web ps -o pid,comm | awk '$2 == "httpd" {print $1}')
lab answer server-pid-host "$inside"
