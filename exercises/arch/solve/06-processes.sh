#!/bin/sh
# What a student does in two terminals: an interactive shell (here -dit, as no one types into it) and a server.
set -eu
docker run -dit --name shell busybox sh
docker run -d --name web busybox httpd -f -p 8080
docker exec shell ps
ps -aef --forest | grep -B3 'httpd -f' | grep -v grep
pid=$(docker inspect -f '{{.State.Pid}}' web)
inside=$(awk '/^NSpid:/ {print $NF}' "/proc/$pid/status")
lab answer server-pid-host "$pid"
lab answer server-pid-inside "$inside"
