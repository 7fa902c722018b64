#!/bin/sh
# Run at `lab start`, as root where the lab runs: from now on the kernel's audit records every chmod-family call
# (chmod, fchmod, fchmodat, fchmodat2 = 452) under this session's own key, with the caller's pid, login uid and the
# file as it was reached. `lab check` reads the records to tell a chmod inside a container from one made from the
# host on the container's files. Where audit cannot run, this says so and the check says it cannot tell.
set -u
key="lab26-${LAB_PARAM_AUDIT_KEY:?}"
if ! command -v auditctl >/dev/null 2>&1; then
  echo "auditctl is missing (Debian's auditd package): who changes a file cannot be recorded" >&2
  exit 0
fi
if ! auditctl -s >/dev/null 2>&1; then
  echo "the kernel's audit does not answer (auditctl -s failed): who changes a file cannot be recorded" >&2
  exit 0
fi
# Enabled 2 is locked on, and auditctl -e would fail; 0 is turned on.
auditctl -s | grep -q '^enabled 0$' && auditctl -e 1 >/dev/null
# The records go to the audit daemon's log (ausearch reads it): one is started when none runs.
if auditctl -s | grep -q '^pid 0$'; then
  auditd || echo "auditd did not start: the records will not be kept" >&2
  sleep 1
fi
# The 32-bit entry points too (a 32-bit static program); a kernel without them refuses that rule, which is then moot.
auditctl -a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -S 452 -k "$key" >/dev/null
auditctl -a always,exit -F arch=b32 -S chmod,fchmod,fchmodat -S 452 -k "$key" >/dev/null 2>&1 || true
