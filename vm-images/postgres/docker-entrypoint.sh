#!/bin/bash
# The course's postgres image keeps the contract of Docker Hub's postgres image, with Debian's PostgreSQL:
# no database without a superuser password (or POSTGRES_HOST_AUTH_METHOD=trust); the cluster is made once in
# $PGDATA (a volume) with POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB; scripts in /docker-entrypoint-initdb.d
# run on that first start; the server listens on every address, port 5432.
set -Eeo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

# "docker run postgres -c shared_buffers=256MB": options go to the server.
if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi

if [ "$1" = 'postgres' ] && [ "$(id -u)" = '0' ]; then
	# As root: give the data folder (often a fresh volume or bind mount) to postgres, then run as postgres.
	mkdir -p "$PGDATA" /var/run/postgresql
	chown postgres:postgres "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA"
	chmod 2775 /var/run/postgresql
	exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

if [ "$1" = 'postgres' ]; then
	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
			cat >&2 <<-'EOE'
				Error: Database is uninitialized and superuser password is not specified.
				       You must specify POSTGRES_PASSWORD to a non-empty value for the
				       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

				       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
				       connections without a password. This is *not* recommended.

				       See PostgreSQL documentation about "trust":
				       https://www.postgresql.org/docs/current/auth-trust.html
			EOE
			exit 1
		fi
		user="${POSTGRES_USER:-postgres}"
		db="${POSTGRES_DB:-$user}"
		# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options
		initdb --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
		printf '\nlisten_addresses = '"'*'"'\n' >> "$PGDATA/postgresql.conf"
		printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"

		# A server on the unix socket only, for the database and the init scripts.
		pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
		if [ "$db" != 'postgres' ]; then
			psql -v ON_ERROR_STOP=1 --username "$user" --no-password --dbname postgres --set db="$db" <<<'CREATE DATABASE :"db";'
		fi
		for f in /docker-entrypoint-initdb.d/*; do
			case "$f" in
				*.sh) echo "$0: running $f"; . "$f" ;;
				*.sql) echo "$0: running $f"; psql -v ON_ERROR_STOP=1 --username "$user" --no-password --dbname "$db" -f "$f" ;;
				*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | psql -v ON_ERROR_STOP=1 --username "$user" --no-password --dbname "$db" ;;
				*) [ -e "$f" ] && echo "$0: ignoring $f" ;;
			esac
		done
		pg_ctl -D "$PGDATA" -m fast -w stop

		echo
		echo 'PostgreSQL init process complete; ready for start up.'
		echo
	else
		echo
		echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
		echo
	fi
fi

exec "$@"
