#!/bin/sh
set -eu
cp .daemon.json.saved "${LAB_PARAM_DAEMON_JSON:?}"
cp .options.saved "${LAB_PARAM_OPTIONS_FILE:?}"
rm -f .daemon.json.saved .options.saved
