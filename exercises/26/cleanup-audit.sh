#!/bin/sh
# Run when the lab ends on a machine that stays (lab destroy, the end of lab exercise test): removes this session's
# audit rules, and only its own (another lab's run keeps its key). The audit daemon keeps running for the others.
set -u
key="lab26-${LAB_PARAM_AUDIT_KEY:?}"
command -v auditctl >/dev/null 2>&1 || exit 0
auditctl -D -k "$key" >/dev/null 2>&1 || true
