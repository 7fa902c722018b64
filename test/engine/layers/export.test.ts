// exportDirectoryDiff: an overlay upper dir as a layer tar, and back through applyLayerTar.
import {execFileSync} from 'node:child_process';
import {linkSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {diffSize, exportDirectoryDiff, LayerError, sha256OfStream} from '../../../src/engine/layers/index.js';
import {apply, collect, layout, listTar, reassemble, sha256, tempDir} from './helpers.js';

interface Overlay {
  lower: string;
  upper: string;
  merged: string;
}

function mountOverlay(t: ExecutionContext): Overlay {
  const dir = tempDir(t, 'lab-layers-ovl-');
  const o = {lower: join(dir, 'lower'), upper: join(dir, 'upper'), merged: join(dir, 'merged')};
  const work = join(dir, 'work');
  for (const path of [o.lower, o.upper, o.merged, work]) mkdirSync(path);
  writeFileSync(join(o.lower, 'gone.txt'), 'deleted in merged');
  writeFileSync(join(o.lower, 'kept.txt'), 'untouched');
  mkdirSync(join(o.lower, 'olddir/sub'), {recursive: true});
  writeFileSync(join(o.lower, 'olddir/sub/f'), 'f');
  mkdirSync(join(o.lower, 'recreated'));
  writeFileSync(join(o.lower, 'recreated/old'), 'hidden by opacity');
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${o.lower},upperdir=${o.upper},workdir=${work}`, o.merged]);
  // Teardowns run last-registered first, so this unmount precedes removing the temp dir.
  t.teardown(() => execFileSync('umount', [o.merged]));
  return o;
}

test('an overlay upper dir exports with whiteouts, opaque markers and hardlinks', async (t) => {
  const o = mountOverlay(t);
  rmSync(join(o.merged, 'gone.txt'));
  rmSync(join(o.merged, 'olddir'), {recursive: true});
  rmSync(join(o.merged, 'recreated'), {recursive: true});
  mkdirSync(join(o.merged, 'recreated'));
  writeFileSync(join(o.merged, 'recreated/new'), 'fresh');
  writeFileSync(join(o.merged, 'added.txt'), 'added');
  linkSync(join(o.merged, 'added.txt'), join(o.merged, 'added-link'));
  symlinkSync('added.txt', join(o.merged, 'added-sym'));
  // The kernel's whiteouts are 0/0 character devices; two of them here may share one inode.
  t.true(lstatSync(join(o.upper, 'gone.txt')).isCharacterDevice());

  const data = await collect(exportDirectoryDiff(o.upper));
  const entries = await listTar(data);
  t.deepEqual(entries.map((e) => `${e.name} ${e.type}${e.linkname ? ` -> ${e.linkname}` : ''}`), [
    '.wh.gone.txt file',
    '.wh.olddir file',
    'added-link file',
    'added-sym symlink -> added.txt',
    'added.txt link -> added-link',
    'recreated/ directory',
    'recreated/.wh..wh..opq file',
    'recreated/new file',
  ]);
  t.is(entries.find((e) => e.name === 'added-link')!.content.toString(), 'added');

  // Same input, same bytes.
  t.is(await sha256OfStream(exportDirectoryDiff(o.upper)), `sha256:${sha256(data)}`);

  // Applied as a layer, the export recreates the upper dir's overlay form.
  const l = layout(t);
  const applied = await apply(data, l);
  t.is(applied.diffId, `sha256:${sha256(data)}`);
  t.is(lstatSync(join(l.diff, 'gone.txt')).rdev, 0);
  t.true(lstatSync(join(l.diff, 'olddir')).isCharacterDevice());
  t.is(execFileSync('getfattr', ['--absolute-names', '-n', 'trusted.overlay.opaque', '--only-values', join(l.diff, 'recreated')], {encoding: 'utf8'}), 'y');
  t.is(lstatSync(join(l.diff, 'added.txt')).ino, lstatSync(join(l.diff, 'added-link')).ino);
  t.deepEqual(await reassemble(l), data);
  t.is(await sha256OfStream(exportDirectoryDiff(l.diff)), `sha256:${sha256(data)}`, 'export of the applied layer is identical');
  // File data once per inode, and the symlink's target, as dockerd counts.
  t.is(await diffSize(o.upper), 'added'.length + 'fresh'.length + 'added.txt'.length);
});

test('export keeps modes, owners, mtimes, devices, xattrs and long names', async (t) => {
  const dir = tempDir(t);
  const longPath = join('d'.repeat(90), 'e'.repeat(90));
  mkdirSync(join(dir, longPath), {recursive: true});
  writeFileSync(join(dir, longPath, 'f'), 'deep');
  writeFileSync(join(dir, 'suid'), '#!/bin/sh\n');
  execFileSync('chown', ['1000:2000', join(dir, 'suid')]);
  execFileSync('chmod', ['4750', join(dir, 'suid')]);
  execFileSync('setfattr', ['-n', 'user.tag', '-v', 'blue', join(dir, 'suid')]);
  execFileSync('setfattr', ['-n', 'trusted.overlay.impure', '-v', 'y', join(dir, 'd'.repeat(90))]);
  execFileSync('mknod', [join(dir, 'tty'), 'c', '5', '0']);
  execFileSync('mknod', [join(dir, 'disk'), 'b', '259', '70000']);
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  for (const name of ['suid', 'tty', 'pipe']) utimesSync(join(dir, name), 1_500_000_000, 1_500_000_000);

  const data = await collect(exportDirectoryDiff(dir));
  const entries = new Map((await listTar(data)).map((e) => [e.name, e]));
  const suid = entries.get('suid')!.header;
  t.is(suid.mode! & 0o7777, 0o4750);
  t.deepEqual([suid.uid, suid.gid, suid.mtime!.getTime()], [1000, 2000, 1_500_000_000_000]);
  t.is(entries.get('tty')!.type, 'character-device');
  t.deepEqual([entries.get('tty')!.header.devmajor, entries.get('tty')!.header.devminor], [5, 0]);
  t.deepEqual([entries.get('disk')!.header.devmajor, entries.get('disk')!.header.devminor], [259, 70000]);
  t.is(entries.get('pipe')!.type, 'fifo');
  t.is(entries.get(`${longPath}/f`)!.content.toString(), 'deep');

  const l = layout(t);
  await apply(data, l);
  const suidStats = lstatSync(join(l.diff, 'suid'));
  t.deepEqual([suidStats.mode & 0o7777, suidStats.uid, suidStats.gid, suidStats.mtimeMs], [0o4750, 1000, 2000, 1_500_000_000_000]);
  t.is(execFileSync('getfattr', ['--absolute-names', '-n', 'user.tag', '--only-values', join(l.diff, 'suid')], {encoding: 'utf8'}), 'blue');
  t.notRegex(execFileSync('getfattr', ['--absolute-names', '-d', '-m', '-', join(l.diff, 'd'.repeat(90))], {encoding: 'utf8'}), /overlay/);
  t.is(lstatSync(join(l.diff, 'disk')).rdev, lstatSync(join(dir, 'disk')).rdev);
  t.is(readFileSync(join(l.diff, longPath, 'f'), 'utf8'), 'deep');
});

test('export refuses overlay metacopy and redirect entries it cannot represent', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'meta-only'), '');
  execFileSync('setfattr', ['-n', 'trusted.overlay.metacopy', join(dir, 'meta-only')]);
  await t.throwsAsync(collect(exportDirectoryDiff(dir)), {instanceOf: LayerError, message: /"meta-only": overlay metacopy/});
});
