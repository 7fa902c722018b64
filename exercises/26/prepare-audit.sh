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
# What a lab turns on here is noted in /run/lab-audit, so that the cleanup of the last lab using it turns it off.
# Enabled 2 is locked on, and auditctl -e would fail; 0 is turned on.
if auditctl -s | grep -q '^enabled 0$'; then auditctl -e 1 >/dev/null && echo enabled >> /run/lab-audit; fi
# The records go to the audit daemon's log (ausearch reads it): one is started when none runs.
if auditctl -s | grep -q '^pid 0$'; then
  if auditd; then echo auditd >> /run/lab-audit; else echo "auditd did not start: the records will not be kept" >&2; fi
  # auditd forks and then registers with the kernel: wait until the kernel names it (at most 5 s).
  tries=0
  while auditctl -s | grep -q '^pid 0$' && [ "$tries" -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
fi
# In the lab VM every SSH session has root's login uid (its boot.sh): made immutable, a session cannot give it up
# to pass for a process the engine started. Not on a machine the lab shares (local), where it would bind others.
[ -x /usr/lib/lab-vm/boot ] && auditctl --loginuid-immutable >/dev/null 2>&1
# The 32-bit entry points too (a 32-bit static program); a kernel without them refuses that rule, which is then moot.
# 452 (fchmodat2) by number: a kernel older than it may refuse it, and then has no such call to record.
auditctl -a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -S 452 -k "$key" >/dev/null 2>&1 ||
  auditctl -a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -k "$key" >/dev/null
auditctl -a always,exit -F arch=b32 -S chmod,fchmod,fchmodat -S 452 -k "$key" >/dev/null 2>&1 || true
