# Sourced by the postgres scripts: pg_wait PORT waits (up to 3 minutes) until psql on the host gets an answer
# through the published port; initdb and the first start take a while.
pg_wait() {
  n=0
  until PGPASSWORD=secret psql -h 127.0.0.1 -p "$1" -U postgres -Atc 'SELECT 1' >/dev/null 2>&1; do
    n=$((n + 1))
    [ "$n" -lt 180 ] || { echo "postgres on port $1 did not answer in 3 minutes" >&2; return 1; }
    sleep 1
  done
}
