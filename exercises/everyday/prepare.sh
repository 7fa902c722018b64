#!/bin/sh
# Run in the lab's work dir at `lab start`: what the steps find already there. Each code is put where only one
# command shows it (the log of an exited container, a file inside a running one, a never-started container's
# environment), so the answer comes from that command and from no one else's session.
set -eu
: "${LAB_PARAM_TOKEN:?}" "${LAB_PARAM_LOGS_CODE:?}" "${LAB_PARAM_EXEC_CODE:?}" "${LAB_PARAM_INSPECT_CODE:?}"
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT

# The lecture's image, kaktuss/clickhouse-udp-proxy, stood in for by the course's alpine (BusyBox ash), labelled so.
mkdir "$ctx/proxy"
printf 'FROM alpine\nLABEL lab.stand-in-for="kaktuss/clickhouse-udp-proxy" lab.note="the course alpine with ash; no proxy inside"\nCMD ["ash"]\n' > "$ctx/proxy/Dockerfile"
docker build -q -t kaktuss/clickhouse-udp-proxy "$ctx/proxy" >/dev/null

# An image of this session's own, and an exited container that uses it: the remove step's pair.
mkdir "$ctx/leftover"
echo "left over from session $LAB_PARAM_TOKEN" > "$ctx/leftover/leftover.txt"
printf 'FROM alpine\nLABEL lab.everyday.leftover="%s"\nCOPY leftover.txt /leftover.txt\n' "$LAB_PARAM_TOKEN" > "$ctx/leftover/Dockerfile"
docker build -q -t "everyday-leftover:$LAB_PARAM_TOKEN" "$ctx/leftover" >/dev/null
docker run --name old "everyday-leftover:$LAB_PARAM_TOKEN" cat /leftover.txt >/dev/null

# courier printed its code and deleted the file it read it from: only its log keeps it.
echo "delivery code: $LAB_PARAM_LOGS_CODE" > "$ctx/parcel.txt"
docker create --name courier alpine sh -c 'cat /parcel.txt; rm /parcel.txt' >/dev/null
docker cp "$ctx/parcel.txt" courier:/parcel.txt
docker start -a courier >/dev/null

# vault runs; its code is a file inside it, in neither its command, its environment nor its log.
docker run -d --name vault alpine sleep 1d >/dev/null
echo "$LAB_PARAM_EXEC_CODE" > "$ctx/secret.txt"
docker cp "$ctx/secret.txt" vault:/root/secret.txt

# badge was created and never started: its code is in its configuration only.
docker create --name badge -e "BADGE=$LAB_PARAM_INSPECT_CODE" alpine true >/dev/null

# napper runs and ends quickly on SIGTERM (docker stop), as a well-behaved service does.
docker run -d --name napper --label "lab.everyday.napper=$LAB_PARAM_TOKEN" alpine sh -c 'trap "exit 0" TERM; while true; do sleep 1; done' >/dev/null
