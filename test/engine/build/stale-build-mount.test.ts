/**
 * A daemon killed in the middle of a build leaves its step's overlay mounted under <exec-root>/build. The next
 * start must release it, also when the exec-root is reached through a symlink (Debian's /var/run -> /run): the
 * kernel lists the mount under its real path.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {isMountPoint, mountsBelow, realPathOf} from '../../../src/common/mount-table.js';
import {runLab} from '../../helpers/cli.js';

test('a stale build mount under a symlinked exec-root is released at start-up', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-stale-build-'));
  const realRun = join(dir, 'real-run');
  const run = join(dir, 'run');
  const stale = join(realRun, 'build', 'build-0123');
  mkdirSync(stale, {recursive: true});
  symlinkSync(realRun, run);
  writeFileSync(join(dir, 'daemon.json'), '{}');
  execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', join(run, 'build', 'build-0123')]);
  try {
    t.true(isMountPoint(join(run, 'build', 'build-0123')), 'the mount is seen through the symlink');
    t.deepEqual(mountsBelow(join(run, 'build')), [stale]);
    const r = await runLab(['engine', 'start', '--json', '--data-root', join(dir, 'data'), '--exec-root', run, '-H', `unix://${join(dir, 'd.sock')}`, '--config-file', join(dir, 'daemon.json')]);
    t.is(r.code, 0, r.stderr);
    t.false(isMountPoint(stale));
    t.false(existsSync(join(realRun, 'build')));
  } finally {
    await runLab(['engine', 'stop', '--exec-root', run]);
    for (const point of mountsBelow(dir)) execFileSync('umount', ['-l', point]);
    rmSync(dir, {recursive: true, force: true});
  }
});

test('realPathOf resolves the existing part and keeps the missing tail', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-realpath-'));
  try {
    mkdirSync(join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    t.is(realPathOf(join(dir, 'b', 'x', 'y')), join(realPathOf(dir), 'a', 'x', 'y'));
    t.is(mountsBelow('/nonexistent-place').length, 0);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
