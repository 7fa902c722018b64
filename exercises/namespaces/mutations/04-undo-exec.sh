#!/bin/sh
docker exec web sh -c 'kill $(pidof sleep)' >/dev/null 2>&1 || true
sleep 0.5
