#!/bin/sh
# A program run inside the running vault: it sees vault's own files.
set -eu
docker exec vault ls /root
lab answer exec-code "$(docker exec vault cat /root/secret.txt)"
