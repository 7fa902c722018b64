#!/bin/sh
# Run when the lab ends on a machine that stays (lab destroy, the end of lab exercise test): removes this session's
# audit rules, and only its own (another lab's run keeps its key). An audit daemon a lab started is stopped once no
# rule is left; one the machine runs as its own service is left alone.
set -u
key="lab26-${LAB_PARAM_AUDIT_KEY:?}"
command -v auditctl >/dev/null 2>&1 || exit 0
auditctl -D -k "$key" >/dev/null 2>&1 || true
if [ -e /run/lab-audit ] && auditctl -l 2>/dev/null | grep -q '^No rules'; then
  pid=$(auditctl -s | sed -n 's/^pid //p')
  grep -qx auditd /run/lab-audit && [ -n "$pid" ] && [ "$pid" != 0 ] && kill "$pid"
  grep -qx enabled /run/lab-audit && auditctl -e 0 >/dev/null 2>&1
  rm -f /run/lab-audit
fi
exit 0
