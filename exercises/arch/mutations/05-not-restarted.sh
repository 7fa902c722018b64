#!/bin/sh
# Near miss: the configuration is right, but the daemon still runs with the old one.
set -eu
conf=${LAB_PARAM_DAEMON_JSON:?} opts=${LAB_PARAM_OPTIONS_FILE:?}
cp "$conf" .daemon.json.saved
cp "$opts" .options.saved
printf '{"hosts": ["unix://%s", "tcp://127.0.0.1:%s"]}\n' "${LAB_PARAM_SOCKET:?}" "${LAB_PARAM_TCP_PORT:?}" > "$conf"
sed -i 's#-H unix://[^ "]*##' "$opts"
