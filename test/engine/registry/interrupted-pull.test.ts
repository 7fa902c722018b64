/**
 * A pull cut short by the daemon's death (SIGKILL while a layer is half downloaded) leaves no half image: after a
 * restart the store holds no image, no layer and no staged files; the same pull, tried again, completes. The
 * registry is Debian's docker-registry behind a reverse proxy that holds the large layer's blob mid-way.
 */
import test from 'ava';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine} from '../../helpers/engine.js';
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

serial('a pull interrupted by killing the daemon leaves nothing half stored, and a retry completes it', async (t) => {
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
  const layerDb = join(engine.dataRoot, 'image', 'overlay2', 'layerdb', 'sha256');
  t.deepEqual(entries(layerDb), [], 'the store starts empty');

  // The busybox layer (about 1 MB gzipped) stops after its first 64 KiB; the small ones pass.
  const front = await startRegistryFront(registry.port, {holdBlobsOver: 256 << 10});
  t.teardown(() => front.stop());
  const name = `${front.host}/interrupted:1`;
  const pulling = engine.docker(['pull', name]);
  await Promise.race([front.held, pulling.then((r) => Promise.reject(new Error(`the pull ended before the hold: ${r.stdout}${r.stderr}`)))]);
  const daemon = Number(readFileSync(`${engine.execRoot}.pid`, 'utf8'));
  process.kill(daemon, 'SIGKILL');
  await waitFor(() => gone(daemon), {timeoutMs: 10_000, what: 'the killed daemon to be gone'});
  const cut = await pulling;
  t.not(cut.code, 0, 'the client sees the pull fail');

  await engine.restart();
  const images = await engine.docker(['images', '-a', '-q']);
  t.is(images.stdout, '', 'no image, tagged or not');
  t.is((await engine.docker(['image', 'inspect', name])).code, 1);
  t.deepEqual(entries(layerDb), [], 'no layer committed');
  t.deepEqual(entries(join(engine.dataRoot, 'overlay2')).filter((e) => e !== 'l'), [], 'no layer directory left');
  t.deepEqual(entries(join(engine.dataRoot, 'overlay2', 'l')), []);
  t.deepEqual(entries(join(engine.dataRoot, 'tmp')), [], 'staged downloads cleaned at start');

  front.release();
  const retry = await engine.docker(['pull', name]);
  t.is(retry.code, 0, retry.stderr);
  t.regex(retry.stdout, new RegExp(`Status: Downloaded newer image for ${name.replace(/[.]/g, '\\.')}`));
  const run = await engine.docker(['run', '--rm', '--network', 'none', name, 'cat', '/one', '/two']);
  t.is(run.stdout, 'one\ntwo\n', run.stderr);
});
