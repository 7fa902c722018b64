// What applyLayerTar puts on disk: file types, metadata, whiteouts, xattrs, odd names.
import {execFileSync} from 'node:child_process';
import {lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {gzipSync} from 'node:zlib';
import test from 'ava';
import {diffSize} from '../../../src/engine/layers/index.js';
import {apply, END, layout, packTar, paxData, rawEntry, reassemble, sha256} from './helpers.js';

const MTIME = new Date(1_234_567_890_000);

test('regular files, directories, symlinks, hardlinks, fifos and devices keep their metadata', async (t) => {
  const l = layout(t);
  const data = await packTar([
    {header: {name: './etc/', type: 'directory', mode: 0o750, uid: 10, gid: 20, mtime: MTIME}},
    {header: {name: './etc/passwd', mode: 0o4755, uid: 1234, gid: 5678, mtime: MTIME}, content: 'root:x:0:0\n'},
    {header: {name: './etc/link', type: 'symlink', linkname: 'passwd', uid: 7, gid: 8, mtime: MTIME}},
    {header: {name: './etc/hard', type: 'link', linkname: './etc/passwd'}},
    {header: {name: './dev/fifo', type: 'fifo', mode: 0o620, uid: 3, gid: 4, mtime: MTIME}},
    {header: {name: './dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666, mtime: MTIME}},
    {header: {name: './dev/loop9', type: 'block-device', devmajor: 7, devminor: 9, mode: 0o660, gid: 6, mtime: MTIME}},
    {header: {name: './empty', mode: 0o600, mtime: MTIME}, content: ''},
  ]);
  const result = await apply(data, l);
  t.is(result.diffId, `sha256:${sha256(data)}`);
  // The file's data once (the hardlink adds nothing) and the symlink's target, as dockerd counts a layer.
  t.is(result.size, 'root:x:0:0\n'.length + 'passwd'.length);

  const etc = lstatSync(join(l.diff, 'etc'));
  t.true(etc.isDirectory());
  t.is(etc.mode & 0o7777, 0o750);
  t.deepEqual([etc.uid, etc.gid], [10, 20]);
  t.is(etc.mtimeMs, MTIME.getTime(), 'directory mtime survives the files created in it');

  const passwd = lstatSync(join(l.diff, 'etc/passwd'));
  t.is(passwd.mode & 0o7777, 0o4755, 'setuid kept although chown clears it');
  t.deepEqual([passwd.uid, passwd.gid], [1234, 5678]);
  t.is(passwd.mtimeMs, MTIME.getTime());
  t.is(readFileSync(join(l.diff, 'etc/passwd'), 'utf8'), 'root:x:0:0\n');

  const link = lstatSync(join(l.diff, 'etc/link'));
  t.true(link.isSymbolicLink());
  t.is(readlinkSync(join(l.diff, 'etc/link')), 'passwd');
  t.deepEqual([link.uid, link.gid, link.mtimeMs], [7, 8, MTIME.getTime()]);

  const hard = lstatSync(join(l.diff, 'etc/hard'));
  t.is(hard.ino, passwd.ino);
  t.is(hard.nlink, 2);

  const fifo = lstatSync(join(l.diff, 'dev/fifo'));
  t.true(fifo.isFIFO());
  t.deepEqual([fifo.mode & 0o7777, fifo.uid, fifo.gid, fifo.mtimeMs], [0o620, 3, 4, MTIME.getTime()]);
  const nul = lstatSync(join(l.diff, 'dev/null'));
  t.true(nul.isCharacterDevice());
  t.is(nul.rdev, (1 << 8) | 3);
  t.is(nul.mode & 0o7777, 0o666);
  const loop = lstatSync(join(l.diff, 'dev/loop9'));
  t.true(loop.isBlockDevice());
  t.is(loop.rdev, (7 << 8) | 9);
  t.is(loop.gid, 6);
  // The parent created implicitly for ./dev/... is a plain 0755 directory.
  t.is(lstatSync(join(l.diff, 'dev')).mode & 0o7777, 0o755);
  t.deepEqual(readdirSync(l.diff).sort(), ['dev', 'empty', 'etc'], 'no temporary names left');
  t.is(await diffSize(l.diff), result.size);
});

test('whiteouts become 0/0 character devices and opaque markers an overlay xattr', async (t) => {
  const l = layout(t);
  const data = await packTar([
    {header: {name: 'etc/', type: 'directory'}},
    {header: {name: 'etc/.wh.motd', uid: 5, gid: 6}, content: ''},
    {header: {name: 'var/lib/.wh..wh..opq'}, content: ''},
    {header: {name: 'var/lib/new'}, content: 'n'},
    {header: {name: '.wh..wh.plnk/123', type: 'link', linkname: 'nowhere'}},
    {header: {name: '.wh..wh.aufs'}, content: 'aufs bookkeeping'},
  ]);
  await apply(data, l);
  const wh = lstatSync(join(l.diff, 'etc/motd'));
  t.true(wh.isCharacterDevice());
  t.is(wh.rdev, 0);
  t.deepEqual([wh.uid, wh.gid], [5, 6]);
  t.deepEqual(readdirSync(join(l.diff, 'etc')), ['motd'], 'no .wh. file is stored');
  const opaque = execFileSync('getfattr', ['--absolute-names', '-n', 'trusted.overlay.opaque', '--only-values', join(l.diff, 'var/lib')], {encoding: 'utf8'});
  t.is(opaque, 'y');
  t.deepEqual(readdirSync(join(l.diff, 'var/lib')), ['new']);
  t.deepEqual(readdirSync(l.diff).sort(), ['etc', 'var'], 'aufs metadata is skipped');
  t.deepEqual(await reassemble(l), data);
});

test('a whiteout never hides what the same layer added', async (t) => {
  const l = layout(t);
  await apply(await packTar([{header: {name: 'keep'}, content: 'k'}, {header: {name: '.wh.keep'}, content: ''}]), l);
  t.is(readFileSync(join(l.diff, 'keep'), 'utf8'), 'k');
});

test('PAX xattrs are restored after ownership, without overlay attributes', async (t) => {
  const l = layout(t);
  // VFS_CAP_REVISION_2 granting cap_net_bind_service: the kernel drops it on chown, so order matters.
  const capability = Buffer.alloc(20);
  capability.writeUInt32LE(0x02000001, 0);
  capability.writeUInt32LE(1 << 10, 4);
  const data = await packTar([
    {header: {name: 'bin/ping', mode: 0o755, uid: 1, gid: 1, pax: {'SCHILY.xattr.user.note': 'hello world', 'SCHILY.xattr.security.capability': capability.toString('latin1')}}, content: 'ELF'},
    {header: {name: 'dir', type: 'directory', pax: {'SCHILY.xattr.trusted.colour': 'blue', 'SCHILY.xattr.trusted.overlay.redirect': '/etc'}}},
    {header: {name: 'sym', type: 'symlink', linkname: 'dir', pax: {'SCHILY.xattr.trusted.sym': 's', 'SCHILY.xattr.user.dropped': 'x'}}},
  ]);
  await apply(data, l);
  const dump = (path: string): string => execFileSync('getfattr', ['--absolute-names', '-h', '-d', '-m', '-', '-e', 'hex', join(l.diff, path)], {encoding: 'utf8'});
  t.regex(dump('bin/ping'), /user\.note=0x68656c6c6f20776f726c64/);
  t.regex(dump('bin/ping'), new RegExp(`security\\.capability=0x${capability.toString('hex')}`));
  t.regex(dump('dir'), /trusted\.colour=0x626c7565/);
  t.notRegex(dump('dir'), /overlay/);
  t.regex(dump('sym'), /trusted\.sym=0x73/);
  t.notRegex(dump('sym'), /user\.dropped/);
});

test('gzip input is unpacked and its DiffID is the digest of the uncompressed tar', async (t) => {
  const l = layout(t);
  const data = await packTar([{header: {name: 'a.txt'}, content: 'compressed'}]);
  const result = await apply(gzipSync(data), l);
  t.is(result.diffId, `sha256:${sha256(data)}`);
  t.is(readFileSync(join(l.diff, 'a.txt'), 'utf8'), 'compressed');
  t.deepEqual(await reassemble(l), data, 'the tar-split reproduces the uncompressed tar');
});

test('names that are not UTF-8 and PAX paths survive byte for byte', async (t) => {
  const l = layout(t);
  const latin1 = Buffer.from('caf\xe9.txt', 'latin1');
  const long = `${'deep/'.repeat(30)}file-${'x'.repeat(120)}`;
  const data = Buffer.concat([
    rawEntry({name: latin1.toString('latin1')}, 'latin1 name'),
    rawEntry({name: 'PaxHeaders/x', type: 'x'}, paxData({path: long, mtime: '1234567890.5', 'SCHILY.xattr.user.k': 'v'})),
    rawEntry({name: 'truncated-name'}, 'long'),
    END,
  ]);
  await apply(data, l);
  const names = readdirSync(Buffer.from(l.diff), {encoding: 'buffer'}).map((name) => name.toString('hex')).sort();
  t.true(names.includes(latin1.toString('hex')));
  t.is(readFileSync(join(l.diff, long), 'utf8'), 'long');
  t.is(lstatSync(join(l.diff, long)).mtimeMs, 1_234_567_890_500);
  t.deepEqual(await reassemble(l), data);
});

test('the root entry sets the layer root metadata', async (t) => {
  const l = layout(t);
  await apply(await packTar([{header: {name: './', type: 'directory', mode: 0o711, mtime: MTIME}}, {header: {name: './f'}, content: 'x'}]), l);
  const root = lstatSync(l.diff);
  t.is(root.mode & 0o7777, 0o711);
  t.is(root.mtimeMs, MTIME.getTime());
});

test('later entries replace earlier ones; the tar-split still rebuilds the original', async (t) => {
  const l = layout(t);
  const data = await packTar([
    {header: {name: 'a'}, content: 'first version'},
    {header: {name: 'dir/inner'}, content: 'inner file that will disappear'},
    {header: {name: 'dir/keep'}, content: 'kept through a hardlink'},
    {header: {name: 'keep', type: 'link', linkname: 'dir/keep'}},
    {header: {name: 'a'}, content: 'second'},
    {header: {name: 'dir', type: 'symlink', linkname: '/nowhere'}},
    {header: {name: 'dir2', type: 'directory', mode: 0o700}},
    {header: {name: 'dir2', type: 'directory', mode: 0o755}},
  ]);
  await apply(data, l);
  t.is(readFileSync(join(l.diff, 'a'), 'utf8'), 'second');
  t.true(lstatSync(join(l.diff, 'dir')).isSymbolicLink());
  t.is(readFileSync(join(l.diff, 'keep'), 'utf8'), 'kept through a hardlink');
  t.is(lstatSync(join(l.diff, 'dir2')).mode & 0o7777, 0o755);
  t.deepEqual(readdirSync(l.diff).sort(), ['a', 'dir', 'dir2', 'keep']);
  t.is(sha256(await reassemble(l)), sha256(data));
  t.deepEqual(readdirSync(dirname(l.tarSplit)), ['tar-split.json.gz'], 'the stash of replaced files is gone');
});

test('replaced files are stashed across filesystems when the tar-split lives elsewhere', async (t) => {
  // /dev/shm is tmpfs while the layer dir is under os.tmpdir(), so the stash must copy.
  const shm = mkdtempSync('/dev/shm/lab-layers-');
  t.teardown(() => rmSync(shm, {recursive: true, force: true}));
  const l = {...layout(t), tarSplit: join(shm, 'tar-split.json.gz')};
  const big = Buffer.alloc(3 * 1024 * 1024 + 5, 'ab');
  const data = await packTar([{header: {name: 'f'}, content: big}, {header: {name: 'f'}, content: 'small now'}]);
  await apply(data, l);
  t.is(readFileSync(join(l.diff, 'f'), 'utf8'), 'small now');
  t.is(sha256(await reassemble(l)), sha256(data));
  t.deepEqual(readdirSync(shm), ['tar-split.json.gz']);
});
