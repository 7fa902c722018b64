import {execFileSync} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import test from 'ava';
import {buildImageArchive, type BuildResult} from '../../src/debian-images/index.js';
import {freshCacheDir, hasInterpreter, jsonOf, member, readTar, elfInfo, type TarMember} from './helpers.js';

interface Built {
  result: BuildResult;
  members: TarMember[];
  layer: Buffer;
}

// One cold build per format, shared by the tests below; each has its own cache so both really build.
const builds = new Map<string, Promise<Built>>();
function build(format: 'docker' | 'oci', key: string = format): Promise<Built> {
  let p = builds.get(key);
  if (!p) {
    p = (async () => {
      const result = await buildImageArchive('busybox', {format, cacheDir: await freshCacheDir()});
      const members = await readTar(result.path);
      const manifest = jsonOf(members, 'manifest.json') as {Layers: string[]}[];
      return {result, members, layer: member(members, manifest[0]!.Layers[0]!).data};
    })();
    builds.set(key, p);
  }
  return p;
}

const appletCount = () => {
  // The host's busybox-static is the same package; if it is not installed, trust the layer.
  try {
    // --list names busybox itself too; that one is the binary, not a link.
    return execFileSync('/bin/busybox', ['--list'], {encoding: 'utf8'}).split('\n').filter((n) => n && n !== 'busybox').length;
  } catch {
    return undefined;
  }
};

test('both formats build from scratch and agree on image ID and layer digest', async (t) => {
  const [docker, oci] = await Promise.all([build('docker'), build('oci')]);
  t.false(docker.result.cached);
  t.false(oci.result.cached);
  t.regex(docker.result.imageId, /^sha256:[0-9a-f]{64}$/);
  t.is(docker.result.imageId, oci.result.imageId);
  t.deepEqual(docker.result.diffIds, oci.result.diffIds);
  t.true(docker.layer.equals(oci.layer));
  t.deepEqual(docker.result.repoTags, ['busybox:latest']);
});

test('a second full rebuild gives identical bytes', async (t) => {
  const [first, again] = await Promise.all([build('docker'), build('docker', 'docker-again')]);
  t.false(again.result.cached);
  t.is(again.result.imageId, first.result.imageId);
  t.deepEqual(again.result.diffIds, first.result.diffIds);
  t.true((await readFile(again.result.path)).equals(await readFile(first.result.path)), 'whole archive is reproducible');
});

test('docker format: legacy layout with manifest.json, config, VERSION, json, repositories', async (t) => {
  const {result, members} = await build('docker');
  const hex = result.imageId.slice('sha256:'.length);
  const manifest = jsonOf(members, 'manifest.json') as {Config: string; RepoTags: string[]; Layers: string[]}[];
  t.is(manifest.length, 1);
  t.is(manifest[0]!.Config, `${hex}.json`);
  t.deepEqual(manifest[0]!.RepoTags, ['busybox:latest']);
  const [layerPath] = manifest[0]!.Layers;
  const v1 = /^([0-9a-f]{64})\/layer\.tar$/.exec(layerPath!)?.[1];
  t.truthy(v1);
  t.is(member(members, `${v1}/VERSION`).data.toString(), '1.0');
  t.is((jsonOf(members, `${v1}/json`) as {id: string}).id, v1);
  t.deepEqual(jsonOf(members, 'repositories'), {busybox: {latest: v1}});

  const configBytes = member(members, `${hex}.json`).data;
  const {createHash} = await import('node:crypto');
  t.is(createHash('sha256').update(configBytes).digest('hex'), hex, 'image ID is the config digest');
  const config = JSON.parse(configBytes.toString()) as Record<string, any>;
  t.deepEqual(config.config.Cmd, ['sh']);
  t.deepEqual(config.config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  t.is(config.architecture, 'amd64');
  t.is(config.os, 'linux');
  t.deepEqual(config.rootfs, {type: 'layers', diff_ids: result.diffIds});
  t.is(config.history.length, 1);
  t.is(config.history[0].created, config.created);
  t.regex(config.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('oci format: Docker 25+ layout with index.json, oci-layout and blobs', async (t) => {
  const {result, members} = await build('oci');
  const blob = (digest: string) => `blobs/sha256/${digest.slice('sha256:'.length)}`;
  const [diffId] = result.diffIds;
  t.deepEqual(jsonOf(members, 'oci-layout'), {imageLayoutVersion: '1.0.0'});
  t.deepEqual(jsonOf(members, 'manifest.json'), [{Config: blob(result.imageId), RepoTags: ['busybox:latest'], Layers: [blob(diffId!)]}]);
  t.deepEqual(jsonOf(members, 'repositories'), {busybox: {latest: diffId!.slice('sha256:'.length)}});

  const index = jsonOf(members, 'index.json') as Record<string, any>;
  t.is(index.schemaVersion, 2);
  t.is(index.mediaType, 'application/vnd.oci.image.index.v1+json');
  t.is(index.manifests.length, 1);
  const desc = index.manifests[0];
  t.is(desc.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  t.deepEqual(desc.annotations, {'io.containerd.image.name': 'docker.io/library/busybox:latest', 'org.opencontainers.image.ref.name': 'latest'});

  const manifestBytes = member(members, blob(desc.digest)).data;
  t.is(manifestBytes.length, desc.size);
  const manifest = JSON.parse(manifestBytes.toString()) as Record<string, any>;
  t.is(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  t.is(manifest.config.digest, result.imageId);
  t.is(manifest.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  t.is(manifest.config.size, member(members, blob(result.imageId)).data.length);
  t.deepEqual(manifest.layers.map((l: any) => [l.mediaType, l.digest]), [['application/vnd.oci.image.layer.v1.tar', diffId]]);
  t.is(manifest.layers[0].size, member(members, blob(diffId!)).data.length);
  t.deepEqual((JSON.parse(member(members, blob(result.imageId)).data.toString()) as any).config.Cmd, ['sh']);
});

test('layer: static busybox, applet symlinks, skeleton files, reproducible headers', async (t) => {
  const {layer, result} = await build('docker');
  const {createHash} = await import('node:crypto');
  t.is(`sha256:${createHash('sha256').update(layer).digest('hex')}`, result.diffIds[0]);
  const entries = await readTar(layer);
  const names = entries.map((e) => e.header.name);

  const busybox = member(entries, 'bin/busybox');
  t.is(busybox.header.type, 'file');
  t.is(busybox.header.mode & 0o777, 0o755);
  const elf = elfInfo(busybox.data);
  t.true(elf.isElf64, 'bin/busybox is a 64-bit little-endian ELF');
  t.is(elf.machine, 62, 'x86-64');
  t.true(elf.programTypes.length > 0);
  t.false(hasInterpreter(busybox.data), 'no PT_INTERP: statically linked');

  const sh = member(entries, 'bin/sh');
  t.is(sh.header.type, 'symlink');
  t.is(sh.header.linkname, 'busybox');
  const symlinks = entries.filter((e) => e.header.type === 'symlink' && e.header.name.startsWith('bin/'));
  const expected = appletCount();
  if (expected !== undefined) t.is(symlinks.length, expected);
  else t.true(symlinks.length > 100);

  t.is(member(entries, 'tmp/').header.mode & 0o7777, 0o1777);
  t.is(member(entries, 'root/').header.mode & 0o7777, 0o700);
  for (const dir of ['dev/', 'etc/', 'home/', 'usr/bin/', 'usr/sbin/', 'var/']) t.true(names.includes(dir), dir);
  const passwd = member(entries, 'etc/passwd').data.toString();
  t.regex(passwd, /^root:x:0:0:root:\/root:\/bin\/sh$/m);
  t.regex(passwd, /^nobody:x:65534:65534:/m);
  t.regex(member(entries, 'etc/group').data.toString(), /^nogroup:x:65534:$/m);

  const sorted = [...names].sort((a, b) => Buffer.compare(Buffer.from(a.replace(/\/$/, '')), Buffer.from(b.replace(/\/$/, ''))));
  t.deepEqual(names, sorted, 'entries are sorted');
  const mtimes = new Set(entries.map((e) => e.header.mtime.getTime()));
  t.is(mtimes.size, 1, 'one fixed mtime');
  const config = jsonOf(await readTar(result.path), `${result.imageId.slice('sha256:'.length)}.json`) as {created: string};
  const created = Date.parse(config.created);
  t.is([...mtimes][0], created, 'mtime is the image creation date');
  t.true(entries.every((e) => e.header.uid === 0 && e.header.gid === 0 && !e.header.uname && !e.header.gname));
  t.true(entries.every((e) => !e.header.pax), 'no pax headers');
});
