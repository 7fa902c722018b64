/**
 * `docker pull` and `docker run` of images a real registry (Debian's docker-registry) serves, put there by
 * skopeo in Docker schema 2 and OCI formats, and an OCI index the test writes: by tag, by digest, per platform.
 */
import test from 'ava';
import {createHash} from 'node:crypto';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';
import {needsRegistry, startRegistry, type TestRegistry} from '../../helpers/registry.js';
import {isRoot, when} from '../../helpers/needs.js';

const needs = {'needs root': isRoot, ...needsRegistry};
const serial = when(needs, test.serial);
let registry: TestRegistry;
let engine: TestEngine;

test.before(async () => {
  if (!Object.values(needs).every(Boolean)) return;
  registry = await startRegistry();
  const archive = (await busyboxArchive('docker')).path;
  for (const [name, format] of [['busybox:latest', 'v2s2'], ['ocibox:1.0', 'oci']] as const) {
    const put = await registry.put(`docker-archive:${archive}`, name, {format});
    if (put.code !== 0) throw new Error(put.stderr);
  }
  engine = await startTestEngine();
});

test.after.always(async () => {
  await engine?.stop();
  await registry?.stop();
});

const manifestOf = async (name: string, ref: string, accept: string) => {
  const res = await fetch(`${registry.url}/v2/${name}/manifests/${ref}`, {headers: {Accept: accept}});
  const raw = Buffer.from(await res.arrayBuffer());
  return {raw, digest: `sha256:${createHash('sha256').update(raw).digest('hex')}`, type: res.headers.get('content-type') ?? ''};
};

serial('a schema 2 image is pulled with per-layer progress, runs, and shows its digest', async (t) => {
  const name = `${registry.host}/busybox`;
  const pull = await engine.docker(['pull', name]);
  t.is(pull.code, 0, pull.stderr);
  t.regex(pull.stdout, /latest: Pulling from busybox\n/);
  t.regex(pull.stdout, /[0-9a-f]{12}: Pull complete\n/);
  const {digest} = await manifestOf('busybox', 'latest', 'application/vnd.docker.distribution.manifest.v2+json');
  t.true(pull.stdout.includes(`Digest: ${digest}\n`));
  t.true(pull.stdout.includes(`Status: Downloaded newer image for ${name}:latest\n`));
  const run = await engine.docker(['run', '--rm', name, 'echo', 'pulled']);
  t.is(run.stdout, 'pulled\n', run.stderr);
  const digests = await engine.docker(['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', name]);
  t.is(digests.stdout, `${name} latest ${digest}\n`);
  const inspect = await engine.docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', name]);
  t.is(inspect.stdout.trim(), JSON.stringify([`${name}@${digest}`]));
  const again = await engine.docker(['pull', name]);
  t.true(again.stdout.includes(`Status: Image is up to date for ${name}:latest\n`), again.stdout);
  t.false(again.stdout.includes('Pull complete'));
});

serial('an OCI image is pulled by digest; its layer, already in the store, is not fetched again', async (t) => {
  const {digest} = await manifestOf('ocibox', '1.0', 'application/vnd.oci.image.manifest.v1+json');
  const name = `${registry.host}/ocibox@${digest}`;
  const pull = await engine.docker(['pull', name]);
  t.is(pull.code, 0, pull.stderr);
  t.regex(pull.stdout, /[0-9a-f]{12}: Already exists\n/);
  t.true(pull.stdout.includes(`Status: Downloaded newer image for ${name}\n`), pull.stdout);
  const run = await engine.docker(['run', '--rm', name, 'echo', 'oci']);
  t.is(run.stdout, 'oci\n', run.stderr);
  const wrong = await engine.docker(['pull', `${registry.host}/ocibox@sha256:${'0'.repeat(64)}`]);
  t.is(wrong.code, 1);
  t.regex(wrong.stderr, /manifest for .*ocibox@sha256:0{64} not found: manifest unknown/);
});

serial('docker run of a missing image pulls it first, as the CLI does after "No such image"', async (t) => {
  const put = await registry.put(`docker-archive:${(await busyboxArchive('docker')).path}`, 'runme:v1');
  t.is(put.code, 0, put.stderr);
  const run = await engine.docker(['run', '--rm', `${registry.host}/runme:v1`, 'echo', 'ran']);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, new RegExp(`Unable to find image '${registry.host}/runme:v1' locally`));
  t.is(run.stdout.split('\n').at(-2), 'ran');
});

serial('an OCI index is followed to its linux/amd64 entry; --platform picks another or fails as dockerd does', async (t) => {
  const oci = await manifestOf('ocibox', '1.0', 'application/vnd.oci.image.manifest.v1+json');
  const entry = (architecture: string) => ({mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: oci.digest, size: oci.raw.length, platform: {os: 'linux', architecture}});
  const index = JSON.stringify({schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [entry('arm64'), entry('amd64')]});
  const put = await fetch(`${registry.url}/v2/ocibox/manifests/multi`, {method: 'PUT', headers: {'Content-Type': 'application/vnd.oci.image.index.v1+json'}, body: index});
  t.is(put.status, 201, await put.text());
  const indexDigest = `sha256:${createHash('sha256').update(index).digest('hex')}`;
  const pull = await engine.docker(['pull', `${registry.host}/ocibox:multi`]);
  t.is(pull.code, 0, pull.stderr);
  // The digest recorded is the index's, as dockerd records the list it was asked for.
  t.true(pull.stdout.includes(`Digest: ${indexDigest}`), pull.stdout);
  const arm = await engine.docker(['pull', '--platform', 'linux/arm64', `${registry.host}/ocibox:multi`]);
  t.is(arm.code, 0, arm.stderr);
  const none = await engine.docker(['pull', '--platform', 'linux/s390x', `${registry.host}/ocibox:multi`]);
  t.is(none.code, 1);
  t.regex(none.stderr, /no matching manifest for linux\/s390x in the manifest list entries/);
});

serial('a docker build FROM an image only the registry has pulls it, its progress in the build output', async (t) => {
  const put = await registry.put(`docker-archive:${(await busyboxArchive('docker')).path}`, 'base:1');
  t.is(put.code, 0, put.stderr);
  const {mkdtempSync, writeFileSync, rmSync} = await import('node:fs');
  const {join} = await import('node:path');
  const {tmpdir} = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'lab-from-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${registry.host}/base:1 AS build\nRUN echo built > /out\nFROM scratch\nCOPY --from=build /out /out\n`);
    const build = await engine.docker(['build', '-t', 'multi:stage', dir]);
    t.is(build.code, 0, build.stderr);
    t.regex(build.stdout, /1: Pulling from base/);
    t.regex(build.stdout, /Successfully tagged multi:stage/);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
