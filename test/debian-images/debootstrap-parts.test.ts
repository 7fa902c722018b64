import {spawnSync} from 'node:child_process';
import {chmod, chown, link, mkdir, readFile, stat, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {parseDeb822Sources, parseOneLineSources, pickMirror, readAptSources} from '../../src/debian-images/debian/apt-sources.js';
import {cleanRootfs} from '../../src/debian-images/debian/clean.js';
import {BuildError, loadRecipeByName, parseRecipe, RecipeError} from '../../src/debian-images/index.js';
import {withLock} from '../../src/debian-images/cache/lock.js';
import {aptListName, parseRelease} from '../../src/debian-images/debian/release.js';
import {readXattrs, treeMembers, writeTreeLayer} from '../../src/debian-images/image/tree-layer.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';
import {freshCacheDir, readTar} from './helpers.js';

const env = {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C'};

test('one-line sources: options, comments and deb-src are handled', (t) => {
  const text = ['# comment', 'deb-src http://src.invalid/debian bookworm main', 'deb [arch=amd64 signed-by=/k.gpg] http://m.invalid/debian/ bookworm main contrib # trailing', 'deb cdrom:[Debian]/ bookworm main'].join('\n');
  const sources = parseOneLineSources(text, '/etc/apt/sources.list');
  t.deepEqual(sources.map((s) => [s.uri, s.suites, s.components, s.architectures, s.origin]), [
    ['http://m.invalid/debian/', ['bookworm'], ['main', 'contrib'], ['amd64'], '/etc/apt/sources.list:3'],
    ['cdrom:[Debian]/', ['bookworm'], ['main'], [], '/etc/apt/sources.list:4'],
  ]);
  const chosen = pickMirror(sources, 'bookworm', ['main'], 'amd64');
  t.is(chosen.uri, 'http://m.invalid/debian', 'trailing slash dropped; cdrom: skipped');
  t.throws(() => pickMirror(sources, 'bookworm', ['main'], 'arm64'), {instanceOf: BuildError, message: /no apt source for "bookworm"/});
});

test('deb822 sources: several URIs and suites, disabled stanzas, continuation lines', (t) => {
  const text = [
    'Types: deb deb-src',
    '# http://snapshot.invalid/',
    'URIs: http://a.invalid/debian http://b.invalid/debian',
    'Suites: bookworm bookworm-updates',
    'Components: main',
    'Signed-By:',
    ' -----BEGIN PGP PUBLIC KEY BLOCK-----',
    ' .',
    '',
    'Types: deb',
    'URIs: http://off.invalid/debian',
    'Suites: trixie',
    'Components: main',
    'Enabled: no',
  ].join('\n');
  const sources = parseDeb822Sources(text, '/x.sources');
  t.deepEqual(sources.map((s) => s.uri), ['http://a.invalid/debian', 'http://b.invalid/debian']);
  t.deepEqual(sources[0]!.suites, ['bookworm', 'bookworm-updates']);
  t.throws(() => pickMirror(sources, 'trixie', ['main'], 'amd64'), {instanceOf: BuildError});
});

test('sources.list.d: only *.list and *.sources are read, in name order', async (t) => {
  const dir = await freshCacheDir();
  await mkdir(join(dir, 'd'));
  await writeFile(join(dir, 'sources.list'), '');
  await writeFile(join(dir, 'd', 'b.sources'), 'Types: deb\nURIs: http://b.invalid/debian\nSuites: bookworm\nComponents: main\n');
  await writeFile(join(dir, 'd', 'a.list'), 'deb http://a.invalid/debian bookworm main\n');
  await writeFile(join(dir, 'd', 'c.list.disabled-by-admin'), 'deb http://c.invalid/debian bookworm main\n');
  const sources = await readAptSources(join(dir, 'sources.list'), join(dir, 'd'));
  t.deepEqual(sources.map((s) => s.uri), ['http://a.invalid/debian', 'http://b.invalid/debian']);
});

test('Release parsing: clearsigned InRelease, the uncompressed Packages hash per component', (t) => {
  const hash = (c: string) => c.repeat(64);
  const text = [
    '-----BEGIN PGP SIGNED MESSAGE-----',
    'Hash: SHA512',
    '',
    'Origin: Debian',
    'Date: Sat, 10 May 2025 09:00:00 UTC',
    'MD5Sum:',
    ` ${'0'.repeat(32)} 100 main/binary-amd64/Packages`,
    'SHA256:',
    ` ${hash('a')} 100 main/binary-amd64/Packages`,
    ` ${hash('b')} 20 main/binary-amd64/Packages.xz`,
    ` ${hash('c')} 100 contrib/binary-amd64/Packages`,
    '-----BEGIN PGP SIGNATURE-----',
    'xyz',
    '-----END PGP SIGNATURE-----',
  ].join('\n');
  const state = parseRelease(text, ['main', 'contrib'], 'amd64', 'mirror');
  t.is(state.date, 'Sat, 10 May 2025 09:00:00 UTC');
  t.deepEqual(state.packages, [`contrib/binary-amd64/Packages ${hash('c')}`, `main/binary-amd64/Packages ${hash('a')}`]);
  t.throws(() => parseRelease(text, ['non-free'], 'amd64', 'mirror'), {instanceOf: BuildError});
  t.is(aptListName('http://deb.debian.org/debian/', 'dists/bookworm/InRelease'), 'deb.debian.org_debian_dists_bookworm_InRelease');
});

test('build lock: one holder at a time, and a lock left by a dead process is taken over', async (t) => {
  const dir = await freshCacheDir();
  const file = join(dir, 'image.lock');
  const order: string[] = [];
  let waits = 0;
  const hold = (name: string) =>
    withLock(file, () => waits++, async () => {
      order.push(`${name} in`);
      await new Promise((r) => setTimeout(r, 100));
      order.push(`${name} out`);
    });
  await Promise.all([hold('a'), hold('b')]);
  // Either may win the race for the lock; the other waits until the first is out.
  const first = order[0]?.[0] === 'b' ? 'b' : 'a';
  const second = first === 'a' ? 'b' : 'a';
  t.deepEqual(order, [`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
  t.is(waits, 1);

  const dead = spawnSync('sh', ['-c', 'echo $$'], {encoding: 'utf8'}).stdout.trim();
  await writeFile(file, dead);
  t.is(await withLock(file, () => t.fail('a dead owner is not waited for'), async () => 'ran'), 'ran');
  t.false(await stat(file).then(() => true, () => false), 'released');
});

test('debootstrap recipes are validated: the shipped one, and mixed-up kinds', async (t) => {
  const loaded = await loadRecipeByName('debian');
  t.is(loaded.recipe.kind, 'debootstrap');
  t.deepEqual(loaded.recipe.image.tags, ['debian:bookworm', 'debian:latest']);

  const image = {tags: ['x:1'], architecture: 'amd64', os: 'linux', config: {}};
  const missing = t.throws(() => parseRecipe('/r.json', Buffer.from(JSON.stringify({name: 'x', kind: 'debootstrap', image}))), {instanceOf: RecipeError});
  t.deepEqual(missing.problems, ['$.debootstrap: required key is missing']);

  const mixed = {name: 'x', kind: 'debootstrap', debootstrap: {suite: 'bookworm', include: ['less', 'less'], sourceDateEpoch: -1}, packages: [{name: 'bash'}], image};
  const error = t.throws(() => parseRecipe('/r.json', Buffer.from(JSON.stringify(mixed))), {instanceOf: RecipeError});
  t.regex(error.message, /\$\.debootstrap\.sourceDateEpoch: must be >= 0/);
  const semantic = {...mixed, debootstrap: {suite: 'bookworm', include: ['less', 'less']}};
  const error2 = t.throws(() => parseRecipe('/r.json', Buffer.from(JSON.stringify(semantic))), {instanceOf: RecipeError});
  t.regex(error2.message, /\$\.packages: not used by a debootstrap recipe/);
  t.regex(error2.message, /\$\.debootstrap\.include\[1\]: package "less" is listed twice/);

  const packagesWithout = t.throws(() => parseRecipe('/r.json', Buffer.from(JSON.stringify({name: 'x', image}))), {instanceOf: RecipeError});
  t.deepEqual(packagesWithout.problems, ['$.packages: required key is missing', '$.rootfs: required key is missing']);
});

when({'needs root': isRoot})('cleaning: lists, caches, logs and host files go; shadow dates become the image date', async (t) => {
  const root = await freshCacheDir();
  const put = async (path: string, content: string, mode = 0o644) => {
    await mkdir(join(root, path, '..'), {recursive: true});
    await writeFile(join(root, path), content);
    await chmod(join(root, path), mode);
  };
  await put('var/lib/apt/lists/deb.invalid_dists_bookworm_Release', 'x');
  await mkdir(join(root, 'var/lib/apt/lists/partial'), {recursive: true});
  await put('var/cache/apt/pkgcache.bin', 'x');
  await put('var/cache/apt/archives/bash_5_amd64.deb', 'x');
  await put('var/log/dpkg.log', 'x');
  await put('var/log/apt/eipp.log.xz', 'x');
  await put('var/log/wtmp', 'x', 0o664);
  await put('var/lib/dpkg/status-old', 'x');
  await put('var/cache/ldconfig/aux-cache', 'x');
  await put('etc/passwd-', 'x');
  await put('etc/hostname', 'buildhost\n', 0o755);
  await put('etc/resolv.conf', 'nameserver 10.0.0.1\n', 0o755);
  await put('etc/shadow', 'root:*:20779:0:99999:7:::\nnobody:*:20000:0:99999:7:::\n', 0o640);
  await chown(join(root, 'etc/shadow'), 0, 42);
  const epoch = 1_700_000_000;
  await cleanRootfs(root, epoch, [{path: '/usr/sbin/policy-rc.d', mode: '0755', lines: ['#!/bin/sh', 'exit 101']}]);

  const exists = async (p: string) => stat(join(root, p)).then(() => true, () => false);
  for (const gone of ['var/lib/apt/lists/deb.invalid_dists_bookworm_Release', 'var/cache/apt/pkgcache.bin', 'var/cache/apt/archives/bash_5_amd64.deb', 'var/log/dpkg.log', 'var/log/apt/eipp.log.xz', 'var/lib/dpkg/status-old', 'var/cache/ldconfig/aux-cache', 'etc/passwd-']) {
    t.false(await exists(gone), gone);
  }
  t.true(await exists('var/lib/apt/lists/partial'));
  const wtmp = await stat(join(root, 'var/log/wtmp'));
  t.deepEqual([wtmp.size, wtmp.mode & 0o777], [0, 0o664]);
  for (const p of ['etc/hostname', 'etc/resolv.conf', 'etc/machine-id']) t.is((await stat(join(root, p))).size, 0, p);
  t.is((await stat(join(root, 'etc/hostname'))).mode & 0o777, 0o644);
  const day = Math.floor(epoch / 86400);
  t.is(await readFile(join(root, 'etc/shadow'), 'utf8'), `root:*:${day}:0:99999:7:::\nnobody:*:${day}:0:99999:7:::\n`);
  t.is((await stat(join(root, 'etc/shadow'))).gid, 42);
  const policy = await stat(join(root, 'usr/sbin/policy-rc.d'));
  t.is(policy.mode & 0o777, 0o755);

  // A symlinked folder (absolute, as /var/run → /run often is) must not lead the write onto the host.
  await symlink('/run', join(root, 'var/run'));
  await t.throwsAsync(cleanRootfs(root, epoch, [{path: '/var/run/lab-test', lines: []}]), {instanceOf: BuildError, message: /is not a directory/});
  t.false(await stat('/run/lab-test').then(() => true, () => false));
});

when({'needs root': isRoot, 'needs setcap (libcap2-bin)': hasCommand('setcap'), 'needs getfattr (attr)': hasCommand('getfattr')})('tree layer: owners, set-id bits, hard links, devices, fifos and capabilities survive GNU tar', async (t) => {
  const dir = await freshCacheDir();
  const root = join(dir, 'root');
  await mkdir(join(root, 'bin'), {recursive: true});
  await mkdir(join(root, 'dev'));
  await writeFile(join(root, 'bin/tool'), '#!/bin/sh\necho tool\n', {mode: 0o755});
  await chmod(join(root, 'bin/tool'), 0o4755);
  await link(join(root, 'bin/tool'), join(root, 'bin/alias'));
  await symlink('tool', join(root, 'bin/sym'));
  await writeFile(join(root, 'bin/owned'), 'x');
  await chown(join(root, 'bin/owned'), 1234, 42);
  await writeFile(join(root, 'bin/capped'), 'cap');
  const long = `${'d'.repeat(90)}/${'f'.repeat(90)}`;
  await mkdir(join(root, 'd'.repeat(90)));
  await writeFile(join(root, long), 'long name');
  t.is(spawnSync('mknod', ['-m', '666', join(root, 'dev/null'), 'c', '1', '3'], {env}).status, 0);
  t.is(spawnSync('mkfifo', [join(root, 'dev/fifo')], {env}).status, 0);
  t.is(spawnSync('setcap', ['cap_net_raw+ep', join(root, 'bin/capped')], {env}).status, 0);

  const members = await treeMembers(root, 1_700_000_000, await readXattrs(root));
  const layer = join(dir, 'layer.tar');
  const first = await writeTreeLayer(members, layer);
  const again = await writeTreeLayer(await treeMembers(root, 1_700_000_000, await readXattrs(root)), join(dir, 'again.tar'));
  t.is(first.diffId, again.diffId);

  const entries = new Map((await readTar(layer)).map((e) => [e.header.name, e.header]));
  t.is(entries.get('bin/alias')?.type, 'file', '"alias" sorts first and carries the data');
  t.deepEqual([entries.get('bin/tool')?.type, entries.get('bin/tool')?.linkname], ['link', 'bin/alias']);
  t.is(entries.get(long)?.type, 'file');

  const out = join(dir, 'out');
  await mkdir(out);
  const untar = spawnSync('tar', ['-xpf', layer, '-C', out, '--numeric-owner', '--xattrs', '--xattrs-include=security.capability'], {encoding: 'utf8', env});
  t.is(untar.status, 0, untar.stderr);
  const tool = await stat(join(out, 'bin/tool'));
  t.is(tool.mode & 0o7777, 0o4755);
  t.is(tool.nlink, 2);
  t.is((await stat(join(out, 'bin/alias'))).ino, tool.ino);
  const owned = await stat(join(out, 'bin/owned'));
  t.deepEqual([owned.uid, owned.gid], [1234, 42]);
  const dev = await stat(join(out, 'dev/null'));
  t.true(dev.isCharacterDevice());
  t.is(dev.rdev, (1 << 8) | 3);
  t.true((await stat(join(out, 'dev/fifo'))).isFIFO());
  t.is(await readFile(join(out, long), 'utf8'), 'long name');
  t.is(tool.mtimeMs, 1_700_000_000_000);
  t.regex(spawnSync('getcap', [join(out, 'bin/capped')], {encoding: 'utf8', env}).stdout, /cap_net_raw[=+]ep/);
});
