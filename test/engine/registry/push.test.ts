/**
 * `docker push` from labd into a real registry: layers uploaded (or found there already), the manifest put, the
 * digest line the CLI prints; what was pushed is pulled and run by Debian's dockerd. Chunked uploads (a registry
 * that asks for them with OCI-Chunk-Min-Length, added by a reverse proxy in front of the real registry) and
 * max-concurrent-uploads.
 */
import test from 'ava';
import {busyboxArchive} from '../../helpers/busybox.js';
import {busyboxEngine} from '../../helpers/busybox-engine.js';
import {startTestEngine} from '../../helpers/engine.js';
import {buildThreeLayers} from '../../helpers/layered-image.js';
import {startRegistryFront} from '../../helpers/registry-front.js';
import {isRoot, when} from '../../helpers/needs.js';
import {needsDockerd, startReferenceDockerd, type ReferenceDockerd} from '../../helpers/reference-dockerd.js';
import {needsRegistry, startRegistry, type TestRegistry} from '../../helpers/registry.js';

const needs = {'needs root': isRoot, ...needsRegistry, ...needsDockerd};
const serial = when(needs, test.serial);
const engine = busyboxEngine(test);
let registry: TestRegistry;
let dockerd: ReferenceDockerd;

test.before(async () => {
  if (!Object.values(needs).every(Boolean)) return;
  registry = await startRegistry();
  dockerd = await startReferenceDockerd();
});

test.after.always(async () => {
  await dockerd?.stop();
  await registry?.stop();
});

serial('an image pushed by labd is pulled and run by dockerd; later pushes mount or find its layers there', async (t) => {
  const name = `${registry.host}/pushed:1`;
  t.is((await engine.docker(['tag', 'busybox', name])).code, 0);
  const push = await engine.docker(['push', name]);
  t.is(push.code, 0, push.stderr);
  t.regex(push.stdout, new RegExp(`The push refers to repository \\[${registry.host}/pushed\\]`));
  t.regex(push.stdout, /[0-9a-f]{12}: Pushed\n/);
  const digest = /1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push.stdout)?.[1];
  t.truthy(digest, push.stdout);
  const inspect = await engine.docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', name]);
  t.true(inspect.stdout.includes(`${registry.host}/pushed@${digest}`));
  const pull = await dockerd.docker(['pull', name]);
  t.is(pull.code, 0, pull.stderr);
  t.true(pull.stdout.includes(`Digest: ${digest}`), pull.stdout);
  const run = await dockerd.docker(['run', '--rm', '--network', 'none', name, 'echo', 'pushed by labd']);
  t.is(run.stdout, 'pushed by labd\n', run.stderr);
  t.is((await engine.docker(['tag', 'busybox', `${registry.host}/other:2`])).code, 0);
  const again = await engine.docker(['push', `${registry.host}/other:2`]);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /: Mounted from pushed\n/);
  t.true(again.stdout.includes(`2: digest: ${digest}`), 'the same layers give the same blobs, so the same manifest');
  const same = await engine.docker(['push', name]);
  t.is(same.code, 0, same.stderr);
  t.regex(same.stdout, /: Layer already exists\n/);
});

serial('pushing an image that is not here fails as dockerd does', async (t) => {
  const push = await engine.docker(['push', `${registry.host}/absent:1`]);
  t.is(push.code, 1);
  t.regex(push.stderr, /No such image|does not exist locally/);
});

serial('a registry that asks for chunks gets each layer in PATCHes with Content-Range, which dockerd pulls back whole', async (t) => {
  const chunkMin = 256 << 10;
  const front = await startRegistryFront(registry.port, {chunkMin});
  t.teardown(() => front.stop());
  await buildThreeLayers(engine, 'chunked:src');
  const name = `${front.host}/chunked:1`;
  t.is((await engine.docker(['tag', 'chunked:src', name])).code, 0);
  const push = await engine.docker(['push', name]);
  t.is(push.code, 0, push.stderr);
  t.is(push.stdout.match(/: Pushed\n/g)?.length, 3, push.stdout);
  const patches = front.seen.filter((r) => r.method === 'PATCH');
  t.true(patches.length > 0 && patches.every((p) => p.contentRange !== undefined), 'every PATCH names its range');
  // Per upload the ranges follow each other from 0; each chunk but the last is at least the minimum asked.
  const uploads = new Map<string, Array<[number, number]>>();
  for (const p of patches) {
    const id = /\/blobs\/uploads\/([^/?]+)/.exec(p.path)![1];
    const [start, end] = p.contentRange!.split('-').map(Number);
    t.is(Number(p.contentLength), end - start + 1, 'Content-Length matches the range');
    uploads.set(id, [...(uploads.get(id) ?? []), [start, end]]);
  }
  const multi = [...uploads.values()].filter((ranges) => ranges.length > 1);
  t.true(multi.length >= 1, 'the busybox layer (about 1 MB gzipped) went in several chunks');
  for (const ranges of uploads.values()) {
    ranges.forEach(([start, end], i) => {
      t.is(start, i === 0 ? 0 : ranges[i - 1][1] + 1);
      if (i < ranges.length - 1) t.true(end - start + 1 >= chunkMin);
    });
  }
  t.true(front.seen.some((r) => r.method === 'PUT' && /\/blobs\/uploads\/.*digest=sha256/.test(r.path)), 'each upload is closed by a PUT naming the digest');
  const pull = await dockerd.docker(['pull', `${registry.host}/chunked:1`]);
  t.is(pull.code, 0, pull.stderr);
  const run = await dockerd.docker(['run', '--rm', '--network', 'none', `${registry.host}/chunked:1`, 'cat', '/one', '/two']);
  t.is(run.stdout, 'one\ntwo\n', run.stderr);
});

serial('max-concurrent-uploads 1 keeps one upload open at a time, the others shown as Waiting', async (t) => {
  const one = await startTestEngine({daemonJson: {'max-concurrent-uploads': 1}});
  t.teardown(() => one.stop());
  t.is((await one.docker(['load', '-i', (await busyboxArchive('docker')).path])).code, 0);
  await buildThreeLayers(one, 'serial:src');
  const front = await startRegistryFront(registry.port);
  t.teardown(() => front.stop());
  t.is((await one.docker(['tag', 'serial:src', `${front.host}/serial:1`])).code, 0);
  const push = await one.docker(['push', `${front.host}/serial:1`]);
  t.is(push.code, 0, push.stderr);
  t.is(push.stdout.match(/: Pushed\n/g)?.length, 3, push.stdout);
  t.regex(push.stdout, /: Waiting\n/);
  t.is(front.maxOpenUploads, 1);
  // The same three uploads from the default engine (5 at a time) overlap: the bound above is the setting's doing.
  await buildThreeLayers(engine, 'parallel:src');
  t.is((await engine.docker(['tag', 'parallel:src', `${front.host}/parallel:1`])).code, 0);
  const parallel = await engine.docker(['push', `${front.host}/parallel:1`]);
  t.is(parallel.code, 0, parallel.stderr);
  t.true(front.maxOpenUploads > 1, `at most ${front.maxOpenUploads} upload open at once with the default`);
});
