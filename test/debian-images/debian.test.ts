import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {buildImageArchive, type BuildProgress, type BuildResult} from '../../src/debian-images/index.js';
import {debsCacheDir, defaultCacheDir} from '../../src/debian-images/cache/paths.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';
import {freshCacheDir, jsonOf, member, readTar, type TarMember} from './helpers.js';

// Slow: a cold build runs debootstrap (about a minute). The first build uses the default
// cache shared with `lab image build`, so later runs of this file are cache hits.

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const slow = when({'needs root': isRoot, 'needs debootstrap': hasCommand('debootstrap')});

interface Built {
  result: BuildResult;
  events: BuildProgress[];
  members: TarMember[];
  layer: Buffer;
  layerMembers: TarMember[];
}

let shared: Promise<Built> | undefined;
/** The build every test below looks at (cold or from the shared cache). */
function sharedBuild(): Promise<Built> {
  shared ??= (async () => {
    const events: BuildProgress[] = [];
    const result = await buildImageArchive('debian', {format: 'docker', onProgress: (p) => events.push(p)});
    const members = await readTar(result.path);
    const [manifest] = jsonOf(members, 'manifest.json') as {Layers: string[]}[];
    const layer = member(members, manifest!.Layers[0]!).data;
    return {result, events, members, layer, layerMembers: await readTar(layer)};
  })();
  return shared;
}

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const steps = (events: BuildProgress[]) => [...new Set(events.map((e) => e.step))];

slow('builds, and the next build of either format is a cache hit with the same image ID', async (t) => {
  t.timeout(10 * 60_000);
  const {result, events} = await sharedBuild();
  t.regex(result.imageId, /^sha256:[0-9a-f]{64}$/);
  t.deepEqual(result.repoTags, ['debian:bookworm', 'debian:latest']);
  if (!result.cached) t.deepEqual(steps(events), ['resolve', 'debootstrap', 'clean', 'rootfs', 'layer', 'archive', 'done']);

  const again: BuildProgress[] = [];
  const second = await buildImageArchive('debian', {format: 'docker', onProgress: (p) => again.push(p)});
  t.true(second.cached);
  t.is(second.path, result.path);
  t.is(second.imageId, result.imageId);
  t.deepEqual(steps(again), ['resolve', 'cached', 'done']);

  // The cold build wrote both layouts from one debootstrap run.
  const oci = await buildImageArchive('debian', {format: 'oci'});
  t.true(oci.cached);
  t.is(oci.imageId, result.imageId);
  t.deepEqual(oci.diffIds, result.diffIds);
});

slow('docker layout: manifest, repositories and an image config with Cmd bash', async (t) => {
  t.timeout(10 * 60_000);
  const {result, members, layer} = await sharedBuild();
  const hex = result.imageId.slice('sha256:'.length);
  const [manifest, ...more] = jsonOf(members, 'manifest.json') as {Config: string; RepoTags: string[]; Layers: string[]}[];
  t.is(more.length, 0);
  t.is(manifest!.Config, `${hex}.json`);
  t.deepEqual(manifest!.RepoTags, ['debian:bookworm', 'debian:latest']);
  t.is(manifest!.Layers.length, 1);
  const v1 = manifest!.Layers[0]!.split('/')[0]!;
  t.deepEqual(jsonOf(members, 'repositories'), {debian: {bookworm: v1, latest: v1}});
  t.is(sha256(layer), result.diffIds[0]);

  const configBytes = member(members, `${hex}.json`).data;
  t.is(sha256(configBytes), result.imageId);
  const config = JSON.parse(configBytes.toString()) as Record<string, any>;
  t.deepEqual(config.config.Cmd, ['bash']);
  t.deepEqual(config.config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  t.is(config.architecture, 'amd64');
  t.is(config.os, 'linux');
  t.deepEqual(config.rootfs, {type: 'layers', diff_ids: result.diffIds});
  t.regex(config.history[0].created_by, /^debootstrap --variant=minbase --components=main --include=iputils-ping,procps bookworm$/);
  t.is(config.history[0].created, config.created);
});

slow('oci layout: one manifest named debian:bookworm and debian:latest', async (t) => {
  t.timeout(10 * 60_000);
  const {result} = await sharedBuild();
  const oci = await buildImageArchive('debian', {format: 'oci'});
  const members = await readTar(oci.path);
  const index = jsonOf(members, 'index.json') as {manifests: {digest: string; annotations: Record<string, string>}[]};
  t.deepEqual(
    index.manifests.map((m) => m.annotations['io.containerd.image.name']),
    ['docker.io/library/debian:bookworm', 'docker.io/library/debian:latest'],
  );
  t.is(new Set(index.manifests.map((m) => m.digest)).size, 1);
  const manifest = JSON.parse(member(members, `blobs/sha256/${index.manifests[0]!.digest.slice(7)}`).data.toString()) as Record<string, any>;
  t.is(manifest.config.digest, result.imageId);
  t.deepEqual(manifest.layers.map((l: {digest: string}) => l.digest), result.diffIds);
});

slow('layer: a merged-/usr Debian tree with bash, dpkg and debian_version, cleaned like Docker\'s', async (t) => {
  t.timeout(10 * 60_000);
  const {layerMembers: entries, members, result} = await sharedBuild();
  const byName = new Map(entries.map((e) => [e.header.name, e]));
  const get = (name: string) => member(entries, name);

  t.is(get('bin').header.type, 'symlink');
  t.is(get('bin').header.linkname, 'usr/bin');
  for (const name of ['usr/bin/bash', 'usr/bin/dpkg', 'usr/bin/chmod', 'usr/bin/ps', 'usr/bin/ping', 'etc/debian_version']) t.is(get(name).header.type, 'file', name);
  t.regex(get('etc/debian_version').data.toString(), /^12\.\d+\n$/);
  t.is(get('usr/bin/bash').header.mode & 0o7777, 0o755);

  // Cleaned: nothing of the build host or of apt's downloads.
  const names = entries.map((e) => e.header.name);
  t.deepEqual(names.filter((n) => /^var\/lib\/apt\/lists\/[^/]+$/.test(n)), []);
  t.deepEqual(names.filter((n) => /^var\/cache\/apt\/.*\.(bin|deb)$/.test(n)), []);
  t.deepEqual(names.filter((n) => /^var\/log\/.*\.log$/.test(n)), []);
  t.deepEqual(names.filter((n) => /-old$/.test(n) || n === 'var/cache/ldconfig/aux-cache' || /^debootstrap\//.test(n)), []);
  for (const name of ['etc/hostname', 'etc/resolv.conf', 'etc/machine-id']) t.is(get(name).data.length, 0, name);
  const policy = get('usr/sbin/policy-rc.d');
  t.is(policy.header.mode & 0o777, 0o755);
  t.regex(policy.data.toString(), /^exit 101$/m);
  t.false(names.includes('etc/dpkg/dpkg.cfg.d/lab-build-unsafe-io'));

  // Owners, modes, hard links, devices and capabilities as debootstrap made them.
  const shadow = get('etc/shadow');
  t.deepEqual([shadow.header.uid, shadow.header.gid, shadow.header.mode & 0o7777], [0, 42, 0o640]);
  t.is(get('usr/bin/passwd').header.mode & 0o7777, 0o4755, 'setuid kept');
  t.is(get('tmp/').header.mode & 0o7777, 0o1777);
  const perl = [get('usr/bin/perl'), get('usr/bin/perl5.36.0')];
  t.deepEqual(perl.map((e) => e.header.type).sort(), ['file', 'link']);
  const null_ = get('dev/null');
  t.deepEqual([null_.header.type, null_.header.devmajor, null_.header.devminor], ['character-device', 1, 3]);
  t.truthy(get('usr/bin/ping').header.pax?.['SCHILY.xattr.security.capability'], 'ping keeps cap_net_raw as a PAX xattr record');

  // Reproducible headers: sorted names, one mtime (the config's creation date).
  const bare = names.map((n) => n.replace(/\/$/, ''));
  t.deepEqual(bare, [...bare].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  const config = jsonOf(members, `${result.imageId.slice(7)}.json`) as {created: string};
  t.deepEqual([...new Set(entries.map((e) => e.header.mtime.getTime()))], [Date.parse(config.created)]);
  const day = String(Math.floor(Date.parse(config.created) / 86_400_000));
  t.true(shadow.data.toString().trim().split('\n').every((l) => l.split(':')[2] === day), 'shadow dates are the image date');
  t.true(entries.every((e) => !e.header.uname && !e.header.gname), 'numeric owners only');
  t.true(byName.size === entries.length, 'no duplicate names');
});

slow('chroot into the unpacked layer: bash runs, dpkg lists every package, dpkg -i installs a local .deb', async (t) => {
  t.timeout(10 * 60_000);
  const {layer, layerMembers} = await sharedBuild();
  const work = await freshCacheDir();
  const root = join(work, 'rootfs');
  await mkdir(root);
  await writeFile(join(work, 'layer.tar'), layer);
  const env = {PATH: SYSTEM_PATH, LC_ALL: 'C'};
  // GNU tar as docker would unpack it: numeric owners, modes, and the capability xattr.
  const untar = spawnSync('tar', ['-xpf', join(work, 'layer.tar'), '-C', root, '--numeric-owner', '--xattrs', '--xattrs-include=security.capability'], {encoding: 'utf8', env});
  t.is(untar.status, 0, untar.stderr);

  const inRoot = (script: string) => spawnSync('chroot', [root, '/bin/bash', '-c', script], {encoding: 'utf8', env: {...env, HOME: '/root'}});
  const ok = inRoot('echo ok');
  t.is(ok.status, 0, ok.stderr);
  t.is(ok.stdout, 'ok\n');

  const status = member(layerMembers, 'var/lib/dpkg/status').data.toString();
  const installed = status.split('\n').filter((l) => l === 'Status: install ok installed').length;
  const listed = inRoot('dpkg -l | wc -l');
  t.is(listed.status, 0, listed.stderr);
  t.is(Number(listed.stdout.trim()), installed + 5, 'five header lines, then one line per package');
  t.true(installed > 80);

  const caps = inRoot('getcap /usr/bin/ping');
  t.regex(caps.stdout, /cap_net_raw[=+]ep/);

  // The Dockerfile lab: RUN dpkg -i a local package.
  const pkg = join(work, 'pkg');
  await mkdir(join(pkg, 'DEBIAN'), {recursive: true});
  await mkdir(join(pkg, 'usr/bin'), {recursive: true});
  await writeFile(join(pkg, 'DEBIAN/control'), 'Package: lab-hello\nVersion: 1.0\nArchitecture: all\nMaintainer: Lab <lab@example.invalid>\nDescription: test package\n');
  await writeFile(join(pkg, 'usr/bin/lab-hello'), '#!/bin/sh\necho hello from a .deb\n', {mode: 0o755});
  const built = spawnSync('dpkg-deb', ['--root-owner-group', '--build', pkg, join(root, 'tmp/lab-hello.deb')], {encoding: 'utf8', env});
  t.is(built.status, 0, built.stderr);
  const installedDeb = inRoot('dpkg -i /tmp/lab-hello.deb >/dev/null && lab-hello && chmod -x /bin/chmod && test ! -x /bin/chmod && echo chmod-gone');
  t.is(installedDeb.status, 0, installedDeb.stderr);
  t.is(installedDeb.stdout, 'hello from a .deb\nchmod-gone\n');
});

slow('a forced rebuild (empty image cache) gives the same image ID and the same bytes', async (t) => {
  t.timeout(10 * 60_000);
  const {result} = await sharedBuild();
  const cacheDir = await freshCacheDir();
  // Reusing the shared .debs only skips downloads: debootstrap checks each one against the index.
  const rebuilt = await buildImageArchive('debian', {format: 'docker', cacheDir, debSearchDirs: [join(debsCacheDir(defaultCacheDir()), 'debootstrap'), '/var/cache/apt/archives']});
  t.false(rebuilt.cached);
  t.is(rebuilt.imageId, result.imageId);
  t.deepEqual(rebuilt.diffIds, result.diffIds);
  t.true((await readFile(rebuilt.path)).equals(await readFile(result.path)), 'whole archive is reproducible');
});
