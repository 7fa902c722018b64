// Hostile archives: each must be refused with a LayerError naming the entry, and must not
// create or change anything outside the layer dir.
import {existsSync, lstatSync, readdirSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {Readable} from 'node:stream';
import {gzipSync} from 'node:zlib';
import test, {type ExecutionContext} from 'ava';
import {applyLayerTar, LayerError} from '../../../src/engine/layers/index.js';
import {apply, END, layout, type Layout, packTar, paxData, rawEntry, rawHeader, snapshot} from './helpers.js';

async function refused(t: ExecutionContext, l: Layout, data: Buffer, message: RegExp): Promise<LayerError> {
  const before = snapshot(l.base);
  const error = await t.throwsAsync(apply(data, l), {instanceOf: LayerError});
  t.regex(error!.message, message);
  t.is(snapshot(l.base), before, 'nothing outside the layer dir changed');
  t.is(readFileSync(l.target, 'utf8'), 'original\n');
  t.deepEqual(readdirSync(dirname(l.tarSplit)), [], 'no tar-split (or stash) left behind');
  return error as LayerError;
}

test('".." components that climb out of the layer are refused', async (t) => {
  const l = layout(t);
  await refused(t, l, await packTar([{header: {name: '../outside/target.txt'}, content: 'pwned'}]),
    /layer entry "\.\.\/outside\/target\.txt": path escapes the layer/);
  await refused(t, l, await packTar([{header: {name: 'a/../../outside/new'}, content: 'pwned'}]),
    /"a\/\.\.\/\.\.\/outside\/new": path escapes the layer/);
  t.false(existsSync(join(l.outside, 'new')));
});

test('".." that stays inside the layer is resolved, not refused', async (t) => {
  const l = layout(t);
  await apply(await packTar([{header: {name: 'a/../b'}, content: 'ok'}]), l);
  t.is(readFileSync(join(l.diff, 'b'), 'utf8'), 'ok');
});

test('absolute names are refused', async (t) => {
  const l = layout(t);
  const error = await refused(t, l, await packTar([{header: {name: l.target}, content: 'pwned'}]), /absolute paths are not allowed/);
  t.is(error.entry, l.target);
});

test('writing through a symlink created earlier in the same archive is refused', async (t) => {
  const l = layout(t);
  for (const linkTarget of [l.outside, '../outside', '.']) {
    await refused(t, l, await packTar([
      {header: {name: 'link', type: 'symlink', linkname: linkTarget}},
      {header: {name: 'link/target.txt'}, content: 'pwned'},
    ]), /"link\/target\.txt": entry path passes through the symlink "link"/);
  }
  // Directories, symlinks and special files are refused the same way.
  await refused(t, l, await packTar([
    {header: {name: 'link', type: 'symlink', linkname: l.outside}},
    {header: {name: 'link/newdir', type: 'directory'}},
  ]), /"link\/newdir": entry path passes through the symlink/);
  await refused(t, l, await packTar([
    {header: {name: 'link', type: 'symlink', linkname: l.outside}},
    {header: {name: 'link/fifo', type: 'fifo'}},
  ]), /"link\/fifo": entry path passes through the symlink/);
});

test('writing through a chain of symlinks is refused', async (t) => {
  const l = layout(t);
  await refused(t, l, await packTar([
    {header: {name: 'b', type: 'symlink', linkname: l.outside}},
    {header: {name: 'a', type: 'symlink', linkname: 'b'}},
    {header: {name: 'a/target.txt'}, content: 'pwned'},
  ]), /"a\/target\.txt": entry path passes through the symlink "a"/);
  await refused(t, l, await packTar([
    {header: {name: 'dir', type: 'directory'}},
    {header: {name: 'dir/up', type: 'symlink', linkname: '..'}},
    {header: {name: 'top', type: 'symlink', linkname: l.base}},
    {header: {name: 'dir/up/top/outside/target.txt'}, content: 'pwned'},
  ]), /"dir\/up\/top\/outside\/target\.txt": entry path passes through the symlink "dir\/up"/);
});

test('whiteouts and opaque markers through a symlink are refused', async (t) => {
  const l = layout(t);
  await refused(t, l, await packTar([
    {header: {name: 'link', type: 'symlink', linkname: l.outside}},
    {header: {name: 'link/.wh.target.txt'}, content: ''},
  ]), /"link\/\.wh\.target\.txt": entry path passes through the symlink "link"/);
  await refused(t, l, await packTar([
    {header: {name: 'link', type: 'symlink', linkname: l.outside}},
    {header: {name: 'link/.wh..wh..opq'}, content: ''},
  ]), /"link\/\.wh\.\.wh\.\.opq": entry path passes through the symlink "link"/);
  t.true(lstatSync(l.target).isFile());
});

test('hardlinks whose target escapes the layer are refused', async (t) => {
  const l = layout(t);
  await refused(t, l, await packTar([{header: {name: 'h', type: 'link', linkname: '../outside/target.txt'}}]),
    /"h": hardlink target "\.\.\/outside\/target\.txt": path escapes the layer/);
  await refused(t, l, await packTar([{header: {name: 'h', type: 'link', linkname: l.target}}]),
    /"h": hardlink target ".*": absolute paths are not allowed/);
  t.is(lstatSync(l.target).nlink, 1, 'the outside file gained no link');
});

test('hardlinks through a symlink are refused', async (t) => {
  const l = layout(t);
  await refused(t, l, await packTar([
    {header: {name: 'link', type: 'symlink', linkname: l.outside}},
    {header: {name: 'h', type: 'link', linkname: 'link/target.txt'}},
  ]), /"h": hardlink target path passes through the symlink "link"/);
  t.is(lstatSync(l.target).nlink, 1);
});

test('hardlinks to a path not yet in the layer are refused', async (t) => {
  const l = layout(t);
  await refused(t, l, await packTar([
    {header: {name: 'h', type: 'link', linkname: 'later.txt'}},
    {header: {name: 'later.txt'}, content: 'data'},
  ]), /"h": hardlink target "later\.txt" is not in the layer/);
  await refused(t, l, await packTar([{header: {name: 'h', type: 'link', linkname: 'missing/dir/file'}}]),
    /"h": hardlink target "missing\/dir\/file" is not in the layer/);
});

test('an entry over an existing symlink replaces the link instead of writing through it', async (t) => {
  const l = layout(t);
  const before = snapshot(l.base);
  await apply(await packTar([
    {header: {name: 'f', type: 'symlink', linkname: l.target}},
    {header: {name: 'f'}, content: 'replaced'},
    {header: {name: 'd', type: 'symlink', linkname: l.outside}},
    {header: {name: 'd', type: 'directory'}},
    {header: {name: 'd/inside'}, content: 'x'},
    {header: {name: 'h', type: 'symlink', linkname: l.target}},
    {header: {name: 'h', type: 'link', linkname: 'f'}},
  ]), l);
  t.is(snapshot(l.base), before);
  t.is(readFileSync(l.target, 'utf8'), 'original\n');
  t.true(lstatSync(join(l.diff, 'f')).isFile());
  t.is(readFileSync(join(l.diff, 'f'), 'utf8'), 'replaced');
  t.true(lstatSync(join(l.diff, 'd')).isDirectory());
  t.is(lstatSync(join(l.diff, 'h')).ino, lstatSync(join(l.diff, 'f')).ino);
});

test('truncated archives are refused', async (t) => {
  const l = layout(t);
  const full = await packTar([{header: {name: 'big.bin'}, content: Buffer.alloc(3000, 7)}, {header: {name: 'after'}, content: 'x'}]);
  // Inside the data of an entry.
  await refused(t, l, full.subarray(0, 512 + 1000), /"big\.bin": archive is truncated/);
  // Inside a header block.
  await refused(t, l, full.subarray(0, 512 + 3072 + 100), /archive is truncated: incomplete header block/);
  // At an entry boundary, without the end-of-archive marker.
  await refused(t, l, full.subarray(0, 512 + 3072 + 512 + 512), /archive is truncated: it ends without the end-of-archive marker/);
  // After a PAX header, before its entry.
  const pax = paxData({path: 'x'.repeat(200)});
  await refused(t, l, Buffer.concat([rawEntry({name: 'PaxHeader', type: 'x'}, pax)]), /it ends after an extended header/);
});

test('bytes that are not a tar archive are refused', async (t) => {
  const l = layout(t);
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
  await refused(t, l, garbage, /not a tar archive: bad header checksum/);
  await refused(t, l, Buffer.from('{"this": "is json"}\n'), /not a tar archive: the input is shorter than one header block/);
  await refused(t, l, Buffer.alloc(0), /not a tar archive: the input is empty/);
  // A header with a wrong checksum after a valid entry.
  const good = rawEntry({name: 'ok'}, 'x');
  await refused(t, l, Buffer.concat([good, rawHeader({name: 'bad', checksum: 1}), END]), /corrupt archive: bad header checksum at offset 1024/);
  // gzip magic followed by junk, and a gzip stream cut short.
  await refused(t, l, Buffer.concat([Buffer.from([0x1f, 0x8b]), garbage]), /invalid gzip data/);
  const gz = gzipSync(Buffer.concat([good, END]));
  await refused(t, l, gz.subarray(0, gz.length - 10), /invalid gzip data/);
  // Zero block followed by another header (not an end-of-archive marker).
  await refused(t, l, Buffer.concat([good, Buffer.alloc(512), good, END]), /data after the end-of-archive block/);
  // A numeric field that is not octal.
  const badSize = rawHeader({name: 'weird'});
  badSize.write('12x45678901\0', 124, 'latin1');
  let sum = 0;
  badSize.fill(0x20, 148, 156);
  for (const byte of badSize) sum += byte;
  badSize.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  await refused(t, l, Buffer.concat([badSize, END]), /"weird": invalid size field/);
  // Entry types we do not support.
  await refused(t, l, Buffer.concat([rawEntry({name: 'sparse', type: 'S'}), END]), /"sparse": unsupported entry type "S"/);
});

test('oversized headers are refused', async (t) => {
  const l = layout(t);
  const hugePax = rawHeader({name: 'PaxHeader/huge', type: 'x', size: 2 * 1024 * 1024});
  await refused(t, l, Buffer.concat([hugePax, Buffer.alloc(2 * 1024 * 1024), END]),
    /"PaxHeader\/huge": PAX extended header is too large \(2097152 bytes, limit 1048576\)/);
  // Even a declared size the stream never delivers is refused before reading it.
  const absurd = rawHeader({name: 'PaxHeader/absurd', type: 'x', size: 0o77777777777});
  await refused(t, l, Buffer.concat([absurd, END]), /"PaxHeader\/absurd": PAX extended header is too large/);
  const longName = rawHeader({name: '././@LongLink', type: 'L', size: 100_000, magic: 'gnu'});
  await refused(t, l, Buffer.concat([longName, Buffer.alloc(100_352, 0x61), END]), /"\.\/\.\/@LongLink": GNU long name header is too large/);
  const malformed = rawEntry({name: 'PaxHeader/bad', type: 'x'}, '999 path=x\n');
  await refused(t, l, Buffer.concat([malformed, rawEntry({name: 'f'}, 'x'), END]), /"PaxHeader\/bad": malformed PAX extended header/);
});

test('whiteout names cannot escape or be used as directories', async (t) => {
  const l = layout(t);
  await refused(t, l, await packTar([{header: {name: '../.wh.outside'}, content: ''}]), /path escapes the layer/);
  await refused(t, l, await packTar([{header: {name: 'd/.wh..'}, content: ''}]), /"d\/\.wh\.\.": invalid whiteout name/);
  await refused(t, l, await packTar([{header: {name: '.wh.x/inner'}, content: 'x'}]), /"\.wh\.x\/inner": a whiteout name cannot be used as a directory/);
});

test('a refused layer stops reading and releases the input stream', async (t) => {
  const l = layout(t);
  const head = await packTar([
    {header: {name: 'link', type: 'symlink', linkname: l.outside}},
    {header: {name: 'link/x'}, content: 'pwned'},
  ]);
  let produced = 0;
  const input = Readable.from((async function* () {
    yield head.subarray(0, head.length - 1024);
    // An endless tail: the refusal must not wait for it.
    for (;;) {
      produced++;
      yield Buffer.alloc(64 * 1024);
    }
  })());
  const before = snapshot(l.base);
  await t.throwsAsync(applyLayerTar(input, l.diff, {tarSplitPath: l.tarSplit}), {instanceOf: LayerError, message: /"link\/x"/});
  t.true(input.destroyed);
  t.true(produced < 10);
  t.is(snapshot(l.base), before);
});
