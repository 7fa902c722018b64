#!/bin/sh
# The course's redis image keeps the contract of Docker Hub's redis image, with Debian's redis-server:
# runs as the redis user in /data (a volume), and, when no config file is given, turns protected mode off so
# clients on other containers and published ports can connect.
set -e

# "docker run redis --appendonly yes": options go to the server.
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi

if [ "$1" = 'redis-server' ]; then
	case "$2" in
		*.conf) ;;
		*)
			case " $* " in
				*' --protected-mode '*) ;;
				*) shift; set -- redis-server --protected-mode no "$@" ;;
			esac
			;;
	esac
fi

exec "$@"
