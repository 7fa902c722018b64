#!/bin/sh
# Near miss: one capability dropped where all were to go.
set -eu
docker run -d --name nocaps --cap-drop NET_RAW busybox sleep 1d
