import {spawnSync} from 'node:child_process';
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {writeLayer} from '../../src/debian-images/image/layer.js';
import type {Rootfs, RootfsEntry} from '../../src/debian-images/image/rootfs.js';
import {freshCacheDir, readTar} from './helpers.js';

async function sampleRootfs(dir: string, order: 'forward' | 'reverse'): Promise<Rootfs> {
  const bin = join(dir, 'multi');
  await writeFile(bin, '#!/bin/sh\necho multi\n');
  const entries: [string, RootfsEntry][] = [
    ['/bin', {type: 'directory', mode: 0o755}],
    ['/bin/multi', {type: 'file', mode: 0o755, content: {path: bin, size: (await stat(bin)).size}}],
    // "[" sorts before "multi", so the link must carry the data and "multi" must point at it.
    ['/bin/[', {type: 'hardlink', target: '/bin/multi'}],
    ['/bin/true', {type: 'hardlink', target: '/bin/multi'}],
    ['/etc/motd', {type: 'file', mode: 0o644, content: {data: Buffer.from('hello\n')}}],
    ['/etc', {type: 'directory', mode: 0o755}],
    ['/usr/bin/env', {type: 'symlink', target: '/bin/multi'}],
    ['/usr', {type: 'directory', mode: 0o755}],
    ['/usr/bin', {type: 'directory', mode: 0o755}],
  ];
  return new Map(order === 'forward' ? entries : entries.reverse());
}

test('layer bytes do not depend on insertion order', async (t) => {
  const dir = await freshCacheDir();
  const a = await writeLayer(await sampleRootfs(dir, 'forward'), 1_700_000_000, join(dir, 'a.tar'));
  const b = await writeLayer(await sampleRootfs(dir, 'reverse'), 1_700_000_000, join(dir, 'b.tar'));
  t.is(a.diffId, b.diffId);
  t.true((await readFile(join(dir, 'a.tar'))).equals(await readFile(join(dir, 'b.tar'))));
  const c = await writeLayer(await sampleRootfs(dir, 'forward'), 0, join(dir, 'c.tar'));
  t.not(c.diffId, a.diffId, 'the mtime is part of the bytes');
});

test('hard-linked files: the first name in order carries the data and GNU tar restores one inode', async (t) => {
  const dir = await freshCacheDir();
  const file = join(dir, 'layer.tar');
  await writeLayer(await sampleRootfs(dir, 'forward'), 1_700_000_000, file);
  const entries = await readTar(file);
  const byName = new Map(entries.map((e) => [e.header.name, e.header]));
  t.is(byName.get('bin/[')?.type, 'file');
  t.is(byName.get('bin/multi')?.type, 'link');
  t.is(byName.get('bin/multi')?.linkname, 'bin/[');
  t.is(byName.get('bin/true')?.linkname, 'bin/[');
  t.is(byName.get('usr/bin/env')?.type, 'symlink');

  const root = join(dir, 'root');
  await mkdir(root);
  const untar = spawnSync('tar', ['-xpf', file, '-C', root], {encoding: 'utf8'});
  t.is(untar.status, 0, untar.stderr);
  const s = await stat(join(root, 'bin/multi'));
  t.is(s.nlink, 3);
  t.is((await stat(join(root, 'bin/true'))).ino, s.ino);
  t.is(await readFile(join(root, 'bin/true'), 'utf8'), '#!/bin/sh\necho multi\n');
  t.is(s.mtimeMs, 1_700_000_000_000);
});
