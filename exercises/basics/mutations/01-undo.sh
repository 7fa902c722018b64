#!/bin/sh
docker ps -a --format '{{.ID}} {{.Image}}' | awk '$2 == "alpine" {print $1}' | xargs -r docker rm -f >/dev/null
