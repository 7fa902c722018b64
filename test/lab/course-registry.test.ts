import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {addMirror, ensureCourseRegistry, registryReference, registryStatus, stopRegistry} from '../../src/lab/registry/index.js';
import {processAlive} from '../../src/common/process-alive.js';
import {runCommand} from '../helpers/cli.js';
import {hasCommand, when} from '../helpers/needs.js';

// The course registry with Debian's docker-registry and skopeo: started on a loopback port, the small course
// images pushed, read back over the registry API and with skopeo, stopped with nothing left running.

const needs = when({'needs docker-registry': hasCommand('docker-registry'), 'needs skopeo': hasCommand('skopeo')}, test.serial);

async function scratch(t: {teardown(fn: () => unknown): void}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-registry-test-'));
  t.teardown(async () => {
    await stopRegistry(join(dir, 'registry'));
    await rm(dir, {recursive: true, force: true});
  });
  return dir;
}

test('a tag becomes its Docker Hub repository: official images under library/', (t) => {
  t.is(registryReference('postgres:15'), 'library/postgres:15');
  t.is(registryReference('kaktuss/clickhouse-udp-proxy:latest'), 'kaktuss/clickhouse-udp-proxy:latest');
});

needs('started, the images pushed and read back, a second start reuses it, stopped cleanly', async (t) => {
  const dir = await scratch(t);
  const daemonJson = join(dir, 'daemon.json');
  await writeFile(daemonJson, JSON.stringify({'log-driver': 'json-file', 'registry-mirrors': ['https://mirror.example.org']}));
  const images = ['hello-world', 'alpine', 'busybox'];
  const started = performance.now();
  const registry = await ensureCourseRegistry({dir: join(dir, 'registry'), images, daemonJson});
  t.log(`started and pushed ${images.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  t.regex(registry.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.deepEqual(registry.pushed.sort(), ['kaktuss/clickhouse-udp-proxy:latest', 'library/alpine:latest', 'library/busybox:latest', 'library/hello-world:latest']);
  t.true(registry.daemonJsonChanged);

  // What the engine will read: our mirror first, the teacher's kept, the loopback registry insecure (plain HTTP).
  const config = JSON.parse(await readFile(daemonJson, 'utf8')) as Record<string, unknown>;
  t.deepEqual(config['registry-mirrors'], [registry.url, 'https://mirror.example.org']);
  t.deepEqual(config['insecure-registries'], [new URL(registry.url).host]);
  t.is(config['log-driver'], 'json-file');

  const catalog = (await (await fetch(`${registry.url}/v2/_catalog`)).json()) as {repositories: string[]};
  t.deepEqual(catalog.repositories, ['kaktuss/clickhouse-udp-proxy', 'library/alpine', 'library/busybox', 'library/hello-world']);
  const tags = (await (await fetch(`${registry.url}/v2/library/hello-world/tags/list`)).json()) as {tags: string[]};
  t.deepEqual(tags.tags, ['latest']);

  // The manifest names the very image config the recipe built (its digest is the image ID docker load gives).
  const {buildImageArchive} = await import('../../src/debian-images/index.js');
  const built = await buildImageArchive('hello-world', {format: 'docker'});
  const manifest = await fetch(`${registry.url}/v2/library/hello-world/manifests/latest`, {headers: {accept: 'application/vnd.docker.distribution.manifest.v2+json'}});
  t.is(manifest.status, 200);
  t.is(manifest.headers.get('content-type'), 'application/vnd.docker.distribution.manifest.v2+json');
  const body = (await manifest.json()) as {config: {digest: string}; layers: {digest: string}[]};
  t.is(body.config.digest, built.imageId);
  t.is(body.layers.length, 1);

  const inspect = await runCommand('skopeo', ['inspect', '--tls-verify=false', `docker://${new URL(registry.url).host}/library/alpine:latest`]);
  t.is(inspect.code, 0, inspect.stderr);
  const labels = (JSON.parse(inspect.stdout) as {Labels: Record<string, string>}).Labels;
  t.regex(labels['lab.debian.packages'] ?? '', /^busybox-static=1:1\.\d+/);
  t.is(labels['lab.stand-in-for'], 'alpine');

  // Again: the same process, port and daemon.json; nothing pushed twice.
  const again = await ensureCourseRegistry({dir: join(dir, 'registry'), images, daemonJson});
  t.is(again.pid, registry.pid);
  t.is(again.url, registry.url);
  t.deepEqual(again.pushed, []);
  t.false(again.daemonJsonChanged);

  t.true(await stopRegistry(join(dir, 'registry')));
  t.false(processAlive(registry.pid));
  t.is(await registryStatus(join(dir, 'registry')), undefined);
  await t.throwsAsync(fetch(`${registry.url}/v2/`));
  const log = await readFile(join(dir, 'registry', 'registry.log'), 'utf8');
  // "blob unknown" errors are the registry answering skopeo's existence checks; a crash would be fatal or panic.
  t.notRegex(log, /level=(fatal|panic)/);

  // Started again it keeps its port (the mirror in daemon.json stays right) and still has the images.
  const restarted = await ensureCourseRegistry({dir: join(dir, 'registry'), images: ['busybox'], daemonJson});
  t.is(restarted.url, registry.url);
  t.deepEqual(restarted.pushed, []);
  t.false(restarted.daemonJsonChanged);
});

test('daemon.json: a mirror of an earlier port is replaced, other keys stay, a broken file is refused', async (t) => {
  const dir = await scratch(t);
  const file = join(dir, 'daemon.json');
  t.true(await addMirror(file, 'http://127.0.0.1:5001'));
  t.true(await addMirror(file, 'http://127.0.0.1:5002'));
  t.deepEqual(JSON.parse(await readFile(file, 'utf8')), {'registry-mirrors': ['http://127.0.0.1:5002'], 'insecure-registries': ['127.0.0.1:5002']});
  t.false(await addMirror(file, 'http://127.0.0.1:5002'));
  await writeFile(file, JSON.stringify({'registry-mirrors': 'http://x'}));
  await t.throwsAsync(addMirror(file, 'http://127.0.0.1:5002'), {message: /"registry-mirrors" must be a list of strings/});
  await writeFile(file, '[]');
  await t.throwsAsync(addMirror(file, 'http://127.0.0.1:5002'), {message: /expected a JSON object/});
});

needs('lab registry start, status and stop, as prepare runs them in a lab environment', async (t) => {
  const {runLab} = await import('../helpers/cli.js');
  const dir = await scratch(t);
  const registryDir = join(dir, 'registry');
  const daemonJson = join(dir, 'daemon.json');
  const start = await runLab(['registry', 'start', '--json', '--dir', registryDir, '--daemon-json', daemonJson, '--images', 'hello-world']);
  t.is(start.code, 0, start.stderr);
  const registry = JSON.parse(start.stdout) as {url: string; pid: number; references: string[]; daemonJsonChanged: boolean};
  t.deepEqual(registry.references, ['hello-world:latest']);
  t.true(registry.daemonJsonChanged);
  t.deepEqual((JSON.parse(await readFile(daemonJson, 'utf8')) as Record<string, unknown>)['registry-mirrors'], [registry.url]);
  // It outlives the command that started it: the engine pulls from it for the whole lab.
  t.true(processAlive(registry.pid));
  const status = await runLab(['registry', 'status', '--json', '--dir', registryDir]);
  t.like(JSON.parse(status.stdout), {running: true, url: registry.url, pid: registry.pid});
  const stop = await runLab(['registry', 'stop', '--json', '--dir', registryDir]);
  t.deepEqual(JSON.parse(stop.stdout), {stopped: true});
  t.false(processAlive(registry.pid));
  const after = await runLab(['registry', 'status', '--json', '--dir', registryDir]);
  t.deepEqual(JSON.parse(after.stdout), {running: false});
});
