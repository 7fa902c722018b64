#!/bin/sh
# The near miss's containers step aside under other names (removing them would count as the next step's docker rm).
for c in rude polite; do
  docker rename "$c" "$c-$(date +%s%N)" >/dev/null 2>&1 || true
done
