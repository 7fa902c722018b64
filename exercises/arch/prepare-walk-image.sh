#!/bin/sh
# Run in the lab's work dir at `lab start`: builds this session's own image, walk:<token>, on busybox with two
# layers of its own holding the token (so its layer IDs are nobody else's). Both layers have /walk/motd.txt, so
# a lowerdir in the wrong order shows the wrong one.
set -eu
: "${LAB_PARAM_TOKEN:?}"
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/middle" "$ctx/top"
printf 'token %s\n' "$LAB_PARAM_TOKEN" > "$ctx/middle/token.txt"
printf 'motd from the middle layer (%s)\n' "$LAB_PARAM_TOKEN" > "$ctx/middle/motd.txt"
printf 'motd from the top layer (%s)\n' "$LAB_PARAM_TOKEN" > "$ctx/top/motd.txt"
printf 'FROM busybox\nCOPY middle/ /walk/\nCOPY top/ /walk/\n' > "$ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "walk:$LAB_PARAM_TOKEN" "$ctx" >/dev/null
mkdir -p image
