#!/bin/sh
# Run by init on poweroff: stop the engine and SSH cleanly and flush the disk before init kills the rest.
# The last line tells the host this VM was powered off on purpose, not lost in a crash.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
for pidfile in /var/run/docker.pid /run/dropbear.pid; do
	[ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
done
sleep 0.3
sync
echo "LAB-VM-POWEROFF" > /dev/ttyS0
