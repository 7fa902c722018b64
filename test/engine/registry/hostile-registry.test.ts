/**
 * A registry that lies: garbage manifests, digests that do not match, blobs longer than declared, layers with
 * hostile tar entries, redirects to other hosts (followed) and to other schemes (refused), a client that leaves
 * mid-pull. Each ends in one clear error, nothing half-stored, and the engine keeps serving.
 */
import test from 'ava';
import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, readdirSync} from 'node:fs';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {digestOf, imageConfig, makeTar} from '../../helpers/archive.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';
import {isRoot, when} from '../../helpers/needs.js';

const serial = when({'needs root': isRoot}, test.serial);
type Route = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Route>();
let server: Server;
let storage: Server;
let host: string;
let storageHost: string;
let engine: TestEngine;

const listen = (s: Server) => new Promise<string>((resolve) => s.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(s.address() as {port: number}).port}`)));

/** An image served by the fake registry: its manifest, config and layers, with hooks to spoil any of them. */
async function serve(repo: string, layerTar: Buffer, spoil: {manifest?: (m: Buffer) => Buffer; blob?: Route; size?: number} = {}) {
  const layer = gzipSync(layerTar);
  const config = imageConfig({layers: [layerTar]});
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {mediaType: 'application/vnd.docker.container.image.v1+json', digest: digestOf(config), size: config.length},
    layers: [{mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: digestOf(layer), size: spoil.size ?? layer.length}],
  }));
  const sent = spoil.manifest ? spoil.manifest(manifest) : manifest;
  routes.set(`/v2/${repo}/manifests/latest`, (_req, res) => {
    res.writeHead(200, {'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json'});
    res.end(sent);
  });
  routes.set(`/v2/${repo}/blobs/${digestOf(config)}`, (_req, res) => res.end(config));
  routes.set(`/v2/${repo}/blobs/${digestOf(layer)}`, spoil.blob ?? ((_req, res) => res.end(layer)));
  return {layer, config, manifest};
}

test.before(async () => {
  if (!isRoot) return;
  server = createServer((req, res) => {
    if (req.url === '/v2/') return res.end('{}');
    const route = routes.get(req.url ?? '');
    if (route) return route(req, res);
    res.writeHead(404, {'Content-Type': 'application/json'});
    res.end(JSON.stringify({errors: [{code: 'MANIFEST_UNKNOWN', message: 'manifest unknown'}]}));
  });
  storage = createServer((req, res) => routes.get(`storage:${req.url}`)?.(req, res) ?? res.writeHead(404).end());
  host = await listen(server);
  storageHost = await listen(storage);
  engine = await startTestEngine();
});

test.after.always(async () => {
  await engine?.stop();
  server?.close();
  storage?.close();
});

const layersIn = () => readdirSync(join(engine.dataRoot, 'image', 'overlay2', 'layerdb', 'sha256')).length;

async function refused(t: import('ava').ExecutionContext, repo: string, pattern: RegExp) {
  const before = layersIn();
  const pull = await engine.docker(['pull', `${host}/${repo}`]);
  t.is(pull.code, 1, pull.stdout);
  t.regex(pull.stderr, pattern);
  t.is(layersIn(), before, 'no layer of a refused pull is kept');
  t.is((await engine.docker(['images', '-q', `${host}/${repo}`])).stdout, '');
  t.is((await engine.docker(['version', '--format', '{{.Server.Version}}'])).code, 0);
}

const goodTar = () => makeTar([{name: 'hello.txt', content: 'hello\n'}]);

serial('a manifest that is not JSON, or schema 1, is refused with the reason', async (t) => {
  await serve('garbage', await goodTar(), {manifest: () => Buffer.from('<html>not a manifest')});
  await refused(t, 'garbage', /manifest for .*garbage:latest: the manifest is not valid JSON/);
  await serve('schema1', await goodTar(), {manifest: () => Buffer.from(JSON.stringify({schemaVersion: 1, name: 'schema1', tag: 'latest', fsLayers: []}))});
  await refused(t, 'schema1', /Docker schema 1 manifest, which this engine does not pull/);
});

serial('a manifest or a layer whose digest does not match, or a blob longer than declared, stores nothing', async (t) => {
  const {manifest} = await serve('mismatch', await goodTar());
  const pullByDigest = await engine.docker(['pull', `${host}/mismatch@${digestOf(Buffer.concat([manifest, Buffer.from(' ')]))}`]);
  t.is(pullByDigest.code, 1);
  routes.set(`/v2/mismatch/manifests/${digestOf(Buffer.concat([manifest, Buffer.from(' ')]))}`, (_req, res) => res.end(manifest));
  const again = await engine.docker(['pull', `${host}/mismatch@${digestOf(Buffer.concat([manifest, Buffer.from(' ')]))}`]);
  t.regex(again.stderr, /manifest verification failed for digest/);
  const tarBytes = await goodTar();
  const other = gzipSync(await makeTar([{name: 'other.txt', content: 'not what the manifest names\n'}]));
  await serve('baddigest', tarBytes, {blob: (_req, res) => res.end(other), size: other.length});
  await refused(t, 'baddigest', /filesystem layer verification failed for digest sha256:[0-9a-f]{64}: the registry sent content whose digest is/);
  const layer = gzipSync(tarBytes);
  await serve('longblob', tarBytes, {size: layer.length - 10});
  await refused(t, 'longblob', /is longer than the \d+ bytes its manifest declares/);
});

serial('a layer with a hostile tar entry is refused by the same unpacking as docker load, nothing written outside', async (t) => {
  await serve('evil', await makeTar([{name: '../../../../../../tmp/lab-pull-escape', content: 'x'}]));
  await refused(t, 'evil', /invalid layer: layer entry "(\.\.\/)+tmp\/lab-pull-escape": path escapes the layer/);
  t.false(existsSync('/tmp/lab-pull-escape'));
});

serial('a blob redirected to another host is fetched there; a redirect to file:// is refused', async (t) => {
  const tarBytes = await makeTar([{name: 'moved.txt', content: 'from storage\n'}]);
  const layer = gzipSync(tarBytes);
  routes.set(`storage:/blob`, (_req, res) => res.end(layer));
  await serve('redirected', tarBytes, {blob: (_req, res) => res.writeHead(307, {Location: `http://${storageHost}/blob`}).end()});
  const pull = await engine.docker(['pull', `${host}/redirected`]);
  t.is(pull.code, 0, pull.stderr);
  await serve('filescheme', await goodTar(), {blob: (_req, res) => res.writeHead(302, {Location: 'file:///etc/passwd'}).end()});
  await refused(t, 'filescheme', /redirected to "file:\/\/\/etc\/passwd": only http and https redirects are followed/);
});

serial('a client that leaves mid-pull leaves no half image; the retry completes it', async (t) => {
  // Random bytes do not compress: the first MiB sent is a quarter of the layer.
  const tarBytes = await makeTar([{name: 'big.bin', content: randomBytes(4 << 20)}]);
  let slow = true;
  let served = Buffer.alloc(0);
  // Half sent and never finished while `slow`: the client goes away meanwhile.
  const image = await serve('interrupted', tarBytes, {blob: (_req, res) => (slow ? res.write(served.subarray(0, 1 << 20)) : res.end(served))});
  served = image.layer;
  const before = layersIn();
  const client = spawn('docker', ['pull', `${host}/interrupted`], {env: {...process.env, DOCKER_HOST: engine.host}, stdio: 'ignore'});
  await new Promise((r) => setTimeout(r, 2000));
  client.kill('SIGKILL');
  await new Promise((r) => client.once('exit', r));
  await new Promise((r) => setTimeout(r, 1000));
  t.is(layersIn(), before);
  // The staged unpacking is gone too, not only the layer.
  t.deepEqual(readdirSync(join(engine.dataRoot, 'tmp')).filter((n) => n.startsWith('layer-')), []);
  slow = false;
  const retry = await engine.docker(['pull', `${host}/interrupted`]);
  t.is(retry.code, 0, retry.stderr);
  const run = await engine.docker(['image', 'inspect', '--format', '{{len .RootFS.Layers}}', `${host}/interrupted`]);
  t.is(run.stdout.trim(), '1');
});
