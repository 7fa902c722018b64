import {spawnSync} from 'node:child_process';
import {access, mkdir, readdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {buildImageArchive, type BuildProgress} from '../../src/debian-images/index.js';
import {freshCacheDir} from './helpers.js';

// Serial: one test swaps PATH for the whole process.

const steps = (events: BuildProgress[]) => [...new Set(events.map((e) => e.step))];

test.serial('the second build comes from the cache and runs neither apt nor dpkg', async (t) => {
  const cacheDir = await freshCacheDir();
  const firstEvents: BuildProgress[] = [];
  const first = await buildImageArchive('busybox', {format: 'docker', cacheDir, onProgress: (p) => firstEvents.push(p)});
  t.false(first.cached);
  t.true(first.path.startsWith(join(cacheDir, 'images', 'busybox-')));
  t.regex(first.path, /busybox-[0-9a-f]{16}-docker\.tar$/);
  t.deepEqual(steps(firstEvents), ['resolve', 'download', 'extract', 'rootfs', 'layer', 'archive', 'done']);

  // Stand-ins that fail loudly and leave a trace if anything still calls apt or dpkg.
  const shims = join(cacheDir, 'shims');
  const trace = join(cacheDir, 'shim-calls.log');
  await mkdir(shims);
  for (const cmd of ['apt-get', 'apt-cache', 'dpkg', 'dpkg-deb']) {
    await writeFile(join(shims, cmd), `#!/bin/sh\necho "${cmd} $*" >> '${trace}'\nexit 97\n`, {mode: 0o755});
  }
  const savedPath = process.env.PATH;
  process.env.PATH = `${shims}:${savedPath}`;
  t.teardown(() => {
    process.env.PATH = savedPath;
  });
  t.is(spawnSync('apt-get', ['--version']).status, 97, 'the shims are what PATH finds');
  await writeFile(trace, '');

  const events: BuildProgress[] = [];
  const second = await buildImageArchive('busybox', {format: 'docker', cacheDir, onProgress: (p) => events.push(p)});
  t.true(second.cached);
  t.is(second.path, first.path);
  t.is(second.imageId, first.imageId);
  t.deepEqual(second.diffIds, first.diffIds);
  t.deepEqual(steps(events), ['resolve', 'cached', 'done']);
  t.is(await readFile(trace, 'utf8'), '', 'no apt or dpkg process ran');

  // -o copies the cached archive without rebuilding.
  const out = join(cacheDir, 'copy.tar');
  const copied = await buildImageArchive('busybox', {format: 'docker', cacheDir, out});
  t.true(copied.cached);
  t.is(copied.path, out);
  t.true((await readFile(out)).equals(await readFile(first.path)));
});

test.serial('each format is cached separately', async (t) => {
  const cacheDir = await freshCacheDir();
  const docker = await buildImageArchive('busybox', {format: 'docker', cacheDir});
  const oci = await buildImageArchive('busybox', {format: 'oci', cacheDir});
  t.false(oci.cached);
  t.not(oci.path, docker.path);
  t.true((await buildImageArchive('busybox', {format: 'oci', cacheDir})).cached);
  const files = (await readdir(join(cacheDir, 'images'))).filter((f) => f.endsWith('.tar')).sort();
  t.is(files.length, 2);
  t.regex(files[0]!, /-docker\.tar$/);
  t.regex(files[1]!, /-oci\.tar$/);
});

test.serial('editing recipe.json rebuilds; the image ID changes only when the image does', async (t) => {
  const cacheDir = await freshCacheDir();
  const original = JSON.parse(await readFile(new URL('../../vm-images/busybox/recipe.json', import.meta.url), 'utf8')) as Record<string, any>;
  const recipesDir = join(cacheDir, 'recipes');
  await mkdir(join(recipesDir, 'busybox'), {recursive: true});
  const write = (r: unknown) => writeFile(join(recipesDir, 'busybox', 'recipe.json'), JSON.stringify(r, null, 2));

  await write(original);
  const base = await buildImageArchive('busybox', {format: 'oci', cacheDir, recipesDir});
  t.false(base.cached);

  await write({...original, description: 'only the description changed'});
  const described = await buildImageArchive('busybox', {format: 'oci', cacheDir, recipesDir});
  t.false(described.cached, 'a different recipe.json is a different cache entry');
  t.not(described.path, base.path);
  t.is(described.imageId, base.imageId, 'the description is not part of the image');

  await write({...original, image: {...original.image, config: {...original.image.config, Cmd: ['sh', '-l']}}});
  const relabelled = await buildImageArchive('busybox', {format: 'oci', cacheDir, recipesDir});
  t.false(relabelled.cached);
  t.not(relabelled.imageId, base.imageId);
  t.deepEqual(relabelled.diffIds, base.diffIds, 'same files, same layer');
});

test.serial('without a local .deb the package is fetched with apt-get download', async (t) => {
  // Two cold builds, one of them downloading busybox-static from the machine's Debian mirror.
  t.timeout(3 * 60_000, 'two busybox builds and a download took more than 3 minutes');
  const cacheDir = await freshCacheDir();
  const events: BuildProgress[] = [];
  const reference = await buildImageArchive('busybox', {format: 'docker', cacheDir: await freshCacheDir()});
  const result = await buildImageArchive('busybox', {format: 'docker', cacheDir, debSearchDirs: [], onProgress: (p) => events.push(p)});
  t.true(events.some((e) => e.step === 'download' && e.message.startsWith('apt-get download busybox-static=')), JSON.stringify(events));
  t.is(result.imageId, reference.imageId);
  const debs = await readdir(join(cacheDir, 'debs'));
  t.true(debs.some((f) => /^busybox-static_.*\.deb$/.test(f)), debs.join(', '));
  await t.notThrowsAsync(access(join(cacheDir, 'debs', 'resolved.json')));
});
