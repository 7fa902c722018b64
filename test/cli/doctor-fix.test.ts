/**
 * Removes a real Debian package and lets `lab doctor --fix` put it back. It changes the machine, so it runs
 * only in CI (CI=true) or when LAB_TEST_DESTRUCTIVE=1, as root.
 */
import test from 'ava';
import {runCommand, runLab} from '../helpers/cli.js';
import {isRoot, when} from '../helpers/needs.js';

const destructiveAllowed = process.env.CI === 'true' || process.env.LAB_TEST_DESTRUCTIVE === '1';
const maybe = when({'changes the machine: runs with CI=true or LAB_TEST_DESTRUCTIVE=1': destructiveAllowed, 'needs root': isRoot}, test.serial);

maybe('doctor names a missing busybox-static with its fix, and --fix installs it', async (t) => {
  // dpkg -r, lab doctor, then lab doctor --fix running apt-get (index and package): a minute or two, more on a slow mirror.
  t.timeout(12 * 60_000, 'removing and reinstalling busybox-static ran past 12 minutes');
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
