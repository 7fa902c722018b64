#!/bin/sh
# Near miss: another container, copied up by touch and then started again attached: not the sandbox of step 6.
set -eu
docker run --name touched debian touch /bin/chmod
docker start -a touched
