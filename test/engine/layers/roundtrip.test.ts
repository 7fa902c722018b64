// apply → assemble must give back the original archive byte for byte, whatever wrote it.
import {execFileSync} from 'node:child_process';
import {chmodSync, mkdirSync, readFileSync, symlinkSync, truncateSync, linkSync, writeFileSync, unlinkSync} from 'node:fs';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import test, {type ExecutionContext} from 'ava';
import {LayerError, layerTarSize} from '../../../src/engine/layers/index.js';
import {apply, END, layout, packTar, paxData, rawEntry, rawHeader, reassemble, sha256, tempDir} from './helpers.js';

async function roundTrip(t: ExecutionContext, data: Buffer): Promise<ReturnType<typeof layout>> {
  const l = layout(t);
  const result = await apply(data, l);
  t.is(result.diffId, `sha256:${sha256(data)}`);
  const rebuilt = await reassemble(l);
  t.is(rebuilt.length, data.length);
  t.is(sha256(rebuilt), sha256(data));
  t.is(await layerTarSize(l.tarSplit), data.length);
  return l;
}

/** A small tree with what real layers contain, for GNU tar to archive. */
function sourceTree(t: ExecutionContext): string {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'usr/share/doc'), {recursive: true});
  writeFileSync(join(dir, 'usr/share/doc/readme'), 'r'.repeat(5000));
  writeFileSync(join(dir, 'empty'), '');
  const longDir = join(dir, 'a-rather-long-directory-name-that-goes-on'.repeat(2), 'and-on-and-on-beyond-one-hundred-bytes');
  mkdirSync(longDir, {recursive: true});
  writeFileSync(join(longDir, 'file-with-a-long-name-too.txt'), 'long path content');
  symlinkSync(`../${'target/'.repeat(20)}x`, join(dir, 'long-symlink'));
  symlinkSync('usr/share/doc/readme', join(dir, 'short-symlink'));
  linkSync(join(dir, 'usr/share/doc/readme'), join(dir, 'hardlink'));
  linkSync(join(longDir, 'file-with-a-long-name-too.txt'), join(dir, 'hardlink-to-long'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  execFileSync('mknod', [join(dir, 'null'), 'c', '1', '3']);
  execFileSync('setfattr', ['-n', 'user.flavour', '-v', 'vanilla', join(dir, 'empty')]);
  chmodSync(join(dir, 'usr/share/doc/readme'), 0o2755);
  return dir;
}

for (const format of ['gnu', 'posix', 'oldgnu']) {
  test(`GNU tar --format=${format}`, async (t) => {
    const dir = sourceTree(t);
    const args = ['-C', dir, `--format=${format}`, '-cf', '-', '.'];
    if (format === 'posix') args.unshift('--xattrs');
    const data = execFileSync('tar', args, {maxBuffer: 1 << 26});
    const l = await roundTrip(t, data);
    t.is(readFileSync(join(l.diff, 'hardlink'), 'utf8'), 'r'.repeat(5000));
    if (format === 'posix') {
      const value = execFileSync('getfattr', ['--absolute-names', '-n', 'user.flavour', '--only-values', join(l.diff, 'empty')], {encoding: 'utf8'});
      t.is(value, 'vanilla', 'xattrs archived by tar --xattrs are restored');
    }
  });
}

test('GNU tar ustar and v7 archives, with record padding after the end marker', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a'), 'a');
  mkdirSync(join(dir, 'd'));
  writeFileSync(join(dir, 'd/b'), 'b'.repeat(700));
  for (const format of ['ustar', 'v7']) {
    const data = execFileSync('tar', ['-C', dir, `--format=${format}`, '-b', '20', '-cf', '-', '.']);
    t.is(data.length % 10240, 0, 'GNU tar pads to whole records');
    await roundTrip(t, data);
  }
});

test('GNU tar base-256 numbers for large ids', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'big-ids'), 'x');
  const data = execFileSync('tar', ['-C', dir, '--format=gnu', '--owner=3000000000', '--group=3000000001', '-cf', '-', 'big-ids']);
  t.true((data[108]! & 0x80) !== 0, 'uid is base-256');
  const l = await roundTrip(t, data);
  const stats = execFileSync('stat', ['-c', '%u:%g', join(l.diff, 'big-ids')], {encoding: 'utf8'}).trim();
  t.is(stats, '3000000000:3000000001');
});

test('tar-stream ustar and PAX archives', async (t) => {
  await roundTrip(t, await packTar([
    {header: {name: 'dir', type: 'directory'}},
    {header: {name: 'dir/file'}, content: 'x'.repeat(1025)},
    {header: {name: `dir/${'p'.repeat(150)}`}, content: 'pax path'},
    {header: {name: 'linked', type: 'symlink', linkname: 'l'.repeat(150)}},
    {header: {name: 'xattr', pax: {'SCHILY.xattr.user.a': '1', comment: 'ignored'}}, content: 'with xattr'},
  ]));
});

test('hand-made GNU long names, PAX global headers and trailing bytes', async (t) => {
  const longName = `${'n'.repeat(180)}/file`;
  const longLink = `../${'k'.repeat(200)}`;
  const data = Buffer.concat([
    rawEntry({name: 'pax_global_header', type: 'g'}, paxData({comment: 'global'})),
    rawEntry({name: '././@LongLink', type: 'L', magic: 'gnu'}, `${longName}\0`),
    rawEntry({name: longName.slice(0, 100), magic: 'gnu'}, 'content of long name'),
    rawEntry({name: '././@LongLink', type: 'K', magic: 'gnu'}, `${longLink}\0`),
    rawEntry({name: 'sym', type: '2', linkname: longLink.slice(0, 100), magic: 'gnu'}),
    // Non-zero padding after data is unusual but must survive too.
    Buffer.concat([rawHeader({name: 'odd-padding', size: 3}), Buffer.from('abc'), Buffer.alloc(509, 0xee)]),
    END,
    Buffer.from('trailing junk after the end-of-archive marker'),
  ]);
  const l = await roundTrip(t, data);
  t.is(readFileSync(join(l.diff, longName), 'utf8'), 'content of long name');
  t.is(execFileSync('readlink', [join(l.diff, 'sym')], {encoding: 'utf8'}).trim(), longLink);
  t.is(readFileSync(join(l.diff, 'odd-padding'), 'utf8'), 'abc');
});

test('an archive with a single zero block at the end and gzip input', async (t) => {
  const data = Buffer.concat([rawEntry({name: 'f'}, 'x'), Buffer.alloc(512)]);
  await roundTrip(t, data);
  const l = layout(t);
  const result = await apply(gzipSync(data), l);
  t.is(result.diffId, `sha256:${sha256(data)}`);
  t.deepEqual(await reassemble(l), data);
});

test('a large file streams through apply and assemble', async (t) => {
  const big = Buffer.alloc(5 * 1024 * 1024 + 123);
  for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
  await roundTrip(t, await packTar([{header: {name: 'big'}, content: big}, {header: {name: 'small'}, content: 's'}]));
});

test('assemble refuses a layer dir that was changed', async (t) => {
  const data = await packTar([{header: {name: 'a'}, content: 'alpha'}, {header: {name: 'b'}, content: 'bravo'}, {header: {name: 'c'}, content: 'charlie'}]);
  const l = await roundTrip(t, data);
  writeFileSync(join(l.diff, 'a'), 'ALPHA');
  await t.throwsAsync(reassemble(l), {instanceOf: LayerError, message: /layer file "a" changed since the layer was stored: content checksum mismatch/});
  truncateSync(join(l.diff, 'b'), 2);
  writeFileSync(join(l.diff, 'a'), 'alpha');
  await t.throwsAsync(reassemble(l), {instanceOf: LayerError, message: /layer file "b" changed .*expected 5 bytes, found 2/});
  writeFileSync(join(l.diff, 'b'), 'bravo');
  unlinkSync(join(l.diff, 'c'));
  symlinkSync('a', join(l.diff, 'c'));
  await t.throwsAsync(reassemble(l), {instanceOf: LayerError, message: /layer file "c" changed/});
  unlinkSync(join(l.diff, 'c'));
  writeFileSync(join(l.diff, 'c'), 'charlie');
  t.deepEqual(await reassemble(l), data, 'restored content assembles again');
  writeFileSync(l.tarSplit, gzipSync('{"lab-tar-split":1}\n{"r":""}\n'));
  await t.throwsAsync(reassemble(l), {instanceOf: LayerError, message: /is corrupt: it is truncated/});
  writeFileSync(l.tarSplit, 'not gzip');
  await t.throwsAsync(reassemble(l), {instanceOf: LayerError, message: /is corrupt/});
});
