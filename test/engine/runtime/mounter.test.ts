/** labd-mount: overlay roots mounted and unmounted by the helper, errors named, a busy mount detached. */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {isMountPoint} from '../../../src/common/mount-table.js';
import {mountOverlay, unmount} from '../../../src/engine/runtime/mounter/mounter.js';

test('an overlay with relative layer paths is mounted, shows both layers, and is unmounted', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-mounter-'));
  for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'lower', 'a'), 'from lower');
  try {
    await mountOverlay(dir, join(dir, 'merged'), 'lowerdir=lower,upperdir=upper,workdir=work');
    t.true(isMountPoint(join(dir, 'merged')));
    t.is(readFileSync(join(dir, 'merged', 'a'), 'utf8'), 'from lower');
    writeFileSync(join(dir, 'merged', 'b'), 'new');
    t.is(readFileSync(join(dir, 'upper', 'b'), 'utf8'), 'new');
    await unmount(join(dir, 'merged'));
    t.false(isMountPoint(join(dir, 'merged')));
    // Requests run one after another on the same helper: a second round works the same.
    await mountOverlay(dir, join(dir, 'merged'), 'lowerdir=lower,upperdir=upper,workdir=work');
    await unmount(join(dir, 'merged'));
    t.false(isMountPoint(join(dir, 'merged')));
  } finally {
    await unmount(join(dir, 'merged')).catch(() => {});
    rmSync(dir, {recursive: true, force: true});
  }
});

test('failures name the step and the reason', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-mounter-'));
  mkdirSync(join(dir, 'merged'));
  try {
    const e = await t.throwsAsync(mountOverlay(dir, join(dir, 'merged'), 'lowerdir=missing,upperdir=up,workdir=wk'));
    t.regex(e!.message, /^mount overlay: No such file or directory/);
    const u = await t.throwsAsync(unmount(join(dir, 'merged')));
    t.regex(u!.message, /^umount: Invalid argument/);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
