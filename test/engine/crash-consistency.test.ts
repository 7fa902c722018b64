/**
 * What a crash or an abort leaves behind: after kill -9 of the daemon in the middle of many concurrent
 * `docker run -d`, every container is either running and adopted or cleanly startable; a failed or cut-off
 * `docker load` leaves nothing in the data-root's tmp; a removed container's exec-root folder goes with it.
 */
import {spawn} from 'node:child_process';
import {existsSync, readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {makeImageArchive, makeTar, type TarEntry} from '../helpers/archive.js';
import {runCommand} from '../helpers/cli.js';
import {busyboxEngine} from '../helpers/busybox-engine.js';
import {waitFor} from '../helpers/wait.js';

const engine = busyboxEngine(test);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stateDir = (id: string) => join(engine.execRoot, 'c', id.slice(0, 16));

test.serial('kill -9 during 20 concurrent runs: afterwards every container runs (adopted) or starts cleanly', async (t) => {
  const runs = Array.from({length: 20}, (_, i) => engine.docker(['run', '-d', '--name', `crash-${i}`, 'busybox', 'sleep', '600']));
  // Some containers running, others still being created or started.
  await waitFor(async () => (await engine.docker(['ps', '-q'])).stdout.split('\n').filter(Boolean).length >= 3, {timeoutMs: 60_000, intervalMs: 20, what: 'the first containers to run'});
  process.kill(Number(readFileSync(`${engine.execRoot}.pid`, 'utf8')), 'SIGKILL');
  await Promise.all(runs);
  await engine.restart();

  const names = (await engine.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean);
  t.true(names.length > 0);
  for (const name of names) {
    const state = JSON.parse((await engine.docker(['inspect', name])).stdout)[0].State;
    if (!state.Running) {
      const start = await engine.docker(['start', name]);
      t.is(start.code, 0, `${name} (${state.Status}): ${start.stderr}`);
    }
    const exec = await engine.docker(['exec', name, 'echo', 'ok']);
    t.is(exec.stdout, 'ok\n', `${name} (was ${state.Status}): ${exec.stderr}`);
  }
  t.is((await engine.docker(['rm', '-f', ...names])).code, 0);
});

test.serial('a removed container\'s exec-root folder goes with it', async (t) => {
  const run = await engine.docker(['run', '-d', 'busybox', 'sleep', '600']);
  const id = run.stdout.trim();
  t.is((await engine.docker(['exec', id, 'true'])).code, 0);
  t.true(existsSync(stateDir(id)));
  t.is((await engine.docker(['rm', '-f', id])).code, 0);
  t.false(existsSync(stateDir(id)), 'removed with the container');

  const once = await engine.docker(['run', '--rm', '--cidfile', join(engine.dir, 'cid'), 'busybox', 'true']);
  t.is(once.code, 0, once.stderr);
  const rmId = readFileSync(join(engine.dir, 'cid'), 'utf8').trim();
  await waitFor(() => !existsSync(stateDir(rmId)), {timeoutMs: 5000, what: 'the --rm container\'s folder to go'});
  t.false(existsSync(stateDir(rmId)));
});

function bigLayerEntries(files: number, size: number): TarEntry[] {
  const chunk = Buffer.alloc(size);
  for (let i = 0; i < size; i++) chunk[i] = (i * 7919) % 251;
  return Array.from({length: files}, (_, i) => ({name: `data/f${i}`, content: chunk}));
}

test.serial('a docker load cut off mid-layer leaves nothing in tmp, with the daemon still running', async (t) => {
  const {archive} = await makeImageArchive({layers: [await makeTar(bigLayerEntries(200, 256 * 1024))], repoTags: ['cut:1']});
  const tmp = join(engine.dataRoot, 'tmp');
  const load = spawn('docker', ['load'], {env: {...process.env, DOCKER_HOST: engine.host}, stdio: ['pipe', 'ignore', 'ignore']});
  load.stdin.on('error', () => {});
  const closed = new Promise((r) => load.on('close', r));
  load.stdin.write(archive.subarray(0, archive.length / 2));
  await waitFor(() => readdirSync(tmp).length > 0, {timeoutMs: 10_000, intervalMs: 10, what: 'a layer being unpacked'});
  await sleep(200);
  load.kill('SIGKILL');
  await closed;
  await waitFor(() => readdirSync(tmp).length === 0, {timeoutMs: 10_000, intervalMs: 50, what: 'tmp to be emptied'}).catch(() => undefined);
  t.deepEqual(readdirSync(tmp), []);
  t.is((await engine.docker(['images', '-q', 'cut:1'])).stdout.trim(), '');
});

test.serial('a docker load that fails (a layer that is not what the config says) leaves nothing in tmp', async (t) => {
  const layer = await makeTar(bigLayerEntries(8, 256 * 1024));
  const {archive} = await makeImageArchive({layers: [layer], repoTags: ['bad:1'], diffIds: [`sha256:${'0'.repeat(64)}`]});
  const tmp = join(engine.dataRoot, 'tmp');
  const before = new Set(readdirSync(tmp));
  const r = await runCommand('docker', ['load'], {DOCKER_HOST: engine.host}, 120_000, archive);
  t.not(r.code, 0);
  t.deepEqual(readdirSync(tmp).filter((entry) => !before.has(entry)), []);
});
