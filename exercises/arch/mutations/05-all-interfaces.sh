#!/bin/sh
# Near miss (a dangerous one): the API on every interface, without TLS, forced with allow-insecure-tcp.
set -eu
conf=${LAB_PARAM_DAEMON_JSON:?} opts=${LAB_PARAM_OPTIONS_FILE:?}
cp "$conf" .daemon.json.saved
cp "$opts" .options.saved
printf '{"hosts": ["unix://%s", "tcp://0.0.0.0:%s"], "allow-insecure-tcp": true}\n' "${LAB_PARAM_SOCKET:?}" "${LAB_PARAM_TCP_PORT:?}" > "$conf"
sed -i 's#-H unix://[^ "]*##' "$opts"
lab engine restart --exec-root "${LAB_PARAM_EXEC_ROOT:?}"
