#!/bin/sh
# The lecture's lesson first: "hosts" in daemon.json while DOCKER_OPTS still has -H — the daemon refuses to start.
set -eu
conf=${LAB_PARAM_DAEMON_JSON:?} opts=${LAB_PARAM_OPTIONS_FILE:?} port=${LAB_PARAM_TCP_PORT:?}
printf '{\n  "hosts": ["tcp://127.0.0.1:%s"]\n}\n' "$port" > "$conf"
if lab engine restart --exec-root "${LAB_PARAM_EXEC_ROOT:?}" 2> restart-error.txt; then
  echo 'the daemon started with -H in DOCKER_OPTS and hosts in daemon.json' >&2
  exit 1
fi
if ! grep -q 'specified both as a flag and in the configuration file' restart-error.txt; then
  echo 'the restart failed, but not for the clash:' >&2
  cat restart-error.txt >&2
  exit 1
fi
# The fix: every address in daemon.json, none left in DOCKER_OPTS.
printf '{\n  "hosts": ["unix://%s", "tcp://127.0.0.1:%s"]\n}\n' "${LAB_PARAM_SOCKET:?}" "$port" > "$conf"
sed -i 's#-H unix://[^ "]*##' "$opts"
lab engine restart --exec-root "$LAB_PARAM_EXEC_ROOT"
docker -H "tcp://127.0.0.1:$port" version --format '{{.Server.APIVersion}}'
rm -f restart-error.txt
