#!/bin/sh
# Near miss: started with a password at once: it runs, and the refusal was never seen.
set -eu
docker run -d --name pw -e POSTGRES_PASSWORD=secret postgres
