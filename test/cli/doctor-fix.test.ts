/**
 * Removes a real Debian package and lets `lab doctor --fix` put it back. It changes the machine, so it runs
 * only in CI (CI=true) or when LAB_TEST_DESTRUCTIVE=1, as root.
 */
import test from 'ava';
import {runCommand, runLab} from '../helpers/cli.js';

const allowed = (process.env.CI === 'true' || process.env.LAB_TEST_DESTRUCTIVE === '1') && process.getuid?.() === 0;
const maybe = allowed ? test.serial : test.skip;

maybe('doctor names a missing busybox-static with its fix, and --fix installs it', async (t) => {
  const removed = await runCommand('dpkg', ['-r', 'busybox-static']);
  t.is(removed.code, 0, removed.stderr);
  try {
    const before = await runLab(['doctor', '--json']);
    t.is(before.code, 1);
    const report = JSON.parse(before.stdout) as {ready: boolean; checks: Array<{id: string; status: string; fix?: string}>};
    t.false(report.ready);
    const busybox = report.checks.find((c) => c.id === 'busybox-static');
    t.is(busybox?.status, 'missing');
    t.is(busybox?.fix, 'apt-get install -y busybox-static');
    const text = await runLab(['doctor']);
    t.regex(text.stdout, /busybox-static\s+✗ missing/);
    t.regex(text.stdout, /apt-get install -y busybox-static/);

    const fixed = await runLab(['doctor', '--fix', '--json']);
    const after = JSON.parse(fixed.stdout) as {checks: Array<{id: string; status: string}>};
    t.is(after.checks.find((c) => c.id === 'busybox-static')?.status, 'ok', fixed.stderr);
    t.regex(fixed.stderr, /Installing busybox-static/);
  } finally {
    await runCommand('apt-get', ['install', '-y', '-q', 'busybox-static'], {DEBIAN_FRONTEND: 'noninteractive'});
  }
});
