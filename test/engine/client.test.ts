/**
 * lab's own Engine API client against a real labd: typed answers, the raw log stream, events, and errors that
 * carry the HTTP status and dockerd's message; over the unix socket and over TCP on loopback.
 */
import {createServer} from 'node:net';
import test from 'ava';
import {demuxLogs, EngineApiError, EngineClient, unlessNotFound} from '../../src/engine/client/index.js';
import {startEngineProcess} from '../../src/engine/control/engine-process.js';
import {makePrivateEngine, type PrivateEngine} from '../../src/engine/control/private-engine.js';
import {busyboxArchive} from '../helpers/busybox.js';
import {runCommand} from '../helpers/cli.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as {port: number}).port;
      s.close(() => resolve(port));
    });
  });

let engine: PrivateEngine;
let port: number;
const docker = (args: string[]) => runCommand('docker', args, engine.dockerEnv, 120_000);

test.before(async () => {
  port = await freePort();
  engine = makePrivateEngine({prefix: 'lab-client-'});
  await startEngineProcess({...engine.options, hosts: [engine.host, `tcp://127.0.0.1:${port}`]});
  const load = await docker(['load', '-i', (await busyboxArchive('docker')).path]);
  if (load.code !== 0) throw new Error(load.stderr);
});

test.after.always(async () => {
  await engine?.dispose();
});

test.serial('ping answers 200 with the API version, on the socket and on TCP', async (t) => {
  const overSocket = await engine.client.ping();
  t.is(overSocket.status, 200);
  t.regex(overSocket.apiVersion ?? '', /^1\.\d+$/);
  const overTcp = await new EngineClient({host: '127.0.0.1', port}, 5000).ping();
  t.deepEqual(overTcp, overSocket);
});

test.serial('containers: list, inspect, logs and top are typed answers', async (t) => {
  const run = await docker(['run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', 'echo one; echo two >&2; exec sleep 600']);
  t.is(run.code, 0, run.stderr);
  const id = run.stdout.trim();
  t.true((await engine.client.listContainers({all: true})).some((c) => c.Id === id));
  const inspected = await engine.client.inspectContainer('talker');
  t.is(inspected.Id, id);
  t.true(inspected.State.Running);
  t.true(inspected.State.Pid > 0);
  let lines: string[] = [];
  for (const deadline = Date.now() + 10_000; lines.length < 2 && Date.now() < deadline; ) {
    lines = demuxLogs(await engine.client.containerLogs(id, {tail: 20}));
    if (lines.length < 2) await new Promise((r) => setTimeout(r, 100));
  }
  t.deepEqual([...lines].sort(), ['one', 'two']);
  const top = await engine.client.containerTop('talker');
  t.true((top.Processes ?? []).some((p) => p.join(' ').includes('sleep')));
});

test.serial('images: list, inspect and history', async (t) => {
  const [image] = (await engine.client.listImages({all: true})).filter((i) => (i.RepoTags ?? []).some((tag) => tag.startsWith('busybox')));
  t.truthy(image);
  const inspected = await engine.client.inspectImage('busybox');
  t.is(inspected.Id, image!.Id);
  t.true((await engine.client.imageHistory('busybox')).length > 0);
});

test.serial('events between two times come back parsed', async (t) => {
  const since = Math.floor(Date.now() / 1000) - 1;
  t.is((await docker(['create', '--name', 'eventful', 'busybox', 'true'])).code, 0);
  const events = await engine.client.events<{Action?: string; Actor?: {Attributes?: Record<string, string>}}>({since, until: (Date.now() / 1000).toFixed(3)});
  t.true(events.some((e) => e.Action === 'create' && e.Actor?.Attributes?.name === 'eventful'));
});

test.serial('an error carries the status and dockerd\'s message; unlessNotFound turns a 404 into undefined', async (t) => {
  const error = await t.throwsAsync(engine.client.inspectContainer('no-such-thing'), {instanceOf: EngineApiError});
  t.is(error?.status, 404);
  t.regex(error?.engineMessage ?? '', /No such container: no-such-thing/);
  t.is(await unlessNotFound(engine.client.inspectImage('no-such-image')), undefined);
  const conflict = await t.throwsAsync(engine.client.removeContainer('talker'), {instanceOf: EngineApiError});
  t.is(conflict?.status, 409);
});

test.serial('an engine that is not there is a connection error, not an EngineApiError', async (t) => {
  const error = await t.throwsAsync(new EngineClient({socketPath: `${engine.dir}/nowhere.sock`}, 1000).ping());
  t.false(error instanceof EngineApiError);
  t.regex(error?.message ?? '', /ENOENT/);
});
