/**
 * A pull cut short while a layer is half downloaded, by the daemon's death (SIGKILL) or by the client going away,
 * leaves no half image: the store holds no image, no layer and no staged files (after a restart, or at once);
 * the same pull, tried again, completes. The registry is Debian's docker-registry behind a reverse proxy that
 * holds the large layer's blob mid-way.
 */
import test from 'ava';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {request} from 'node:http';
import {join} from 'node:path';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';
import {buildThreeLayers} from '../../helpers/layered-image.js';
import {isRoot, when} from '../../helpers/needs.js';
import {startRegistryFront} from '../../helpers/registry-front.js';
import {needsRegistry, startRegistry} from '../../helpers/registry.js';
import {waitFor} from '../../helpers/wait.js';

const needs = {'needs root': isRoot, ...needsRegistry};
const serial = when(needs, test.serial);

const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

/** A registry holding a three-layer image, and an engine whose store is empty again after pushing it there. */
async function prepare(t: {teardown(fn: () => unknown): void; is(a: unknown, b: unknown, m?: string): void; deepEqual(a: unknown, b: unknown, m?: string): void}) {
  const registry = await startRegistry();
  t.teardown(() => registry.stop());
  const engine = await startTestEngine();
  t.teardown(() => engine.stop());
  t.is((await engine.docker(['load', '-i', (await busyboxArchive('docker')).path])).code, 0);
  await buildThreeLayers(engine, 'layered:src');
  const source = `${registry.host}/interrupted:1`;
  t.is((await engine.docker(['tag', 'layered:src', source])).code, 0);
  const push = await engine.docker(['push', source]);
  t.is(push.code, 0, push.stderr);
  for (const args of [['rmi', '-f', 'layered:src', source, 'busybox'], ['image', 'prune', '-af']]) await engine.docker(args);
  t.deepEqual(entries(layerDbOf(engine)), [], 'the store starts empty');
  // The busybox layer (about 1 MB gzipped) stops after its first 64 KiB; the small ones pass.
  const front = await startRegistryFront(registry.port, {holdBlobsOver: 256 << 10});
  t.teardown(() => front.stop());
  return {engine, front, name: `${front.host}/interrupted:1`};
}

const layerDbOf = (engine: TestEngine) => join(engine.dataRoot, 'image', 'overlay2', 'layerdb', 'sha256');

/** Nothing of the pull is left: no image, no layer, no layer directory, nothing staged. */
async function nothingStored(t: {is(a: unknown, b: unknown, m?: string): void; deepEqual(a: unknown, b: unknown, m?: string): void}, engine: TestEngine, name: string) {
  t.is((await engine.docker(['images', '-a', '-q'])).stdout, '', 'no image, tagged or not');
  t.is((await engine.docker(['image', 'inspect', name])).code, 1);
  t.deepEqual(entries(layerDbOf(engine)), [], 'no layer committed');
  t.deepEqual(entries(join(engine.dataRoot, 'overlay2')).filter((e) => e !== 'l'), [], 'no layer directory left');
  t.deepEqual(entries(join(engine.dataRoot, 'overlay2', 'l')), []);
  t.deepEqual(entries(join(engine.dataRoot, 'tmp')), [], 'nothing staged');
}

/** The retried pull completes and the image runs. */
async function retryCompletes(t: {is(a: unknown, b: unknown, m?: string): void; regex(a: string, r: RegExp, m?: string): void}, engine: TestEngine, name: string) {
  const retry = await engine.docker(['pull', name]);
  t.is(retry.code, 0, retry.stderr);
  t.regex(retry.stdout, new RegExp(`Status: Downloaded newer image for ${name.replace(/[.]/g, '\\.')}`));
  const run = await engine.docker(['run', '--rm', '--network', 'none', name, 'cat', '/one', '/two']);
  t.is(run.stdout, 'one\ntwo\n', run.stderr);
}

serial('a pull interrupted by killing the daemon leaves nothing half stored, and a retry completes it', async (t) => {
  const {engine, front, name} = await prepare(t);
  const pulling = engine.docker(['pull', name]);
  await Promise.race([front.held, pulling.then((r) => Promise.reject(new Error(`the pull ended before the hold: ${r.stdout}${r.stderr}`)))]);
  const daemon = Number(readFileSync(`${engine.execRoot}.pid`, 'utf8'));
  process.kill(daemon, 'SIGKILL');
  await waitFor(() => gone(daemon), {timeoutMs: 10_000, what: 'the killed daemon to be gone'});
  const cut = await pulling;
  t.not(cut.code, 0, 'the client sees the pull fail');

  await engine.restart();
  await nothingStored(t, engine, name);
  front.release();
  await retryCompletes(t, engine, name);
});

serial('a pull whose client goes away mid-layer is dropped at once, the daemon serving on, and a retry completes it', async (t) => {
  const {engine, front, name} = await prepare(t);
  const path = `/v1.41/images/create?fromImage=${encodeURIComponent(name.slice(0, name.lastIndexOf(':')))}&tag=1`;
  const client = request({socketPath: engine.socket, method: 'POST', path, headers: {'X-Registry-Auth': 'e30='}});
  client.on('error', () => undefined);
  client.on('response', (res) => res.resume());
  client.end();
  await front.held;
  // The cut comes once the engine stages what it receives (under load the held bytes can still be on their way to it).
  await waitFor(() => entries(join(engine.dataRoot, 'tmp')).length > 0, {timeoutMs: 30_000, what: 'the pull to stage its layers'});
  client.destroy();
  // The daemon notices the closed connection and discards what it staged, with the blob still held.
  await waitFor(() => entries(join(engine.dataRoot, 'tmp')).length === 0, {timeoutMs: 30_000, what: 'the staged layers to be discarded'});
  await nothingStored(t, engine, name);
  t.is((await engine.docker(['version', '--format', '{{.Server.Version}}'])).code, 0, 'the daemon still serves');
  front.release();
  await retryCompletes(t, engine, name);
});
