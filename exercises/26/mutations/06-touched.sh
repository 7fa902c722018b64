#!/bin/sh
# Near miss: the file is copied up by writing it (touch), so chmod never lost its bit and no shell was used.
set -eu
docker run --name sandbox-touched debian touch /bin/chmod
docker start -a sandbox-touched
