/** A daemon killed in the middle of a load leaves no half-image behind once it starts again. */
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import test from 'ava';
import {ImageStore} from '../../src/engine/images/image-store.js';
import {makeImageArchive, makeTar, type TarEntry} from '../helpers/archive.js';
import {startTestEngine} from '../helpers/engine.js';
import {waitFor} from '../helpers/wait.js';
import {spawn} from 'node:child_process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function bigLayerEntries(files: number, size: number): TarEntry[] {
  const chunk = Buffer.alloc(size);
  for (let i = 0; i < size; i++) chunk[i] = (i * 7919) % 251;
  return Array.from({length: files}, (_, i) => ({name: `data/f${i}`, content: chunk}));
}

test('kill -9 during docker load, restart: staging is gone and the store is as before', async (t) => {
  const engine = await startTestEngine();
  try {
    const {archive} = await makeImageArchive({layers: [await makeTar(bigLayerEntries(400, 256 * 1024))], repoTags: ['big:1']});
    const layerdb = join(engine.dataRoot, 'image/overlay2/layerdb/sha256');
    const load = spawn('docker', ['load'], {env: {...process.env, DOCKER_HOST: engine.host}, stdio: ['pipe', 'ignore', 'ignore']});
    load.stdin.on('error', () => {});
    const closed = new Promise((r) => load.on('close', r));
    // Feed slowly so the kill lands while the layer is still unpacking.
    const feeding = (async () => {
      for (let off = 0; off < archive.length && !load.stdin.destroyed; off += 1024 * 1024) {
        load.stdin.write(archive.subarray(off, off + 1024 * 1024));
        await sleep(20);
      }
      load.stdin.end();
    })();
    const staging = join(engine.dataRoot, 'tmp');
    await waitFor(() => readdirSync(staging).some((d) => d.startsWith('layer-')), {timeoutMs: 5000, intervalMs: 10, what: 'a layer being unpacked'});
    t.true(readdirSync(staging).length > 0, 'a layer was being unpacked');
    const pid = Number(readFileSync(`${engine.execRoot}.pid`, 'utf8'));
    process.kill(pid, 'SIGKILL');
    await feeding;
    await closed;

    await engine.restart();
    t.deepEqual(readdirSync(staging), [], 'staging emptied at start-up');
    t.deepEqual(readdirSync(layerdb), [], 'no layer was registered');
    t.deepEqual(readdirSync(join(engine.dataRoot, 'overlay2')), ['l']);
    const images = await engine.docker(['images', '-q']);
    t.is(images.stdout.trim(), '');
    // And the same archive loads fine afterwards.
    const again = await engine.docker(['load'], archive);
    t.is(again.code, 0, again.stderr);
  } finally {
    await engine.stop();
  }
});

test('layers committed without their image (a crash before the image was written) are removed at start-up', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-recover-'));
  try {
    const store = new ImageStore(dir);
    const base = store.layers.commit(await store.layers.stage(Readable.from([await makeTar([{name: 'a', content: 'a'}])])), undefined);
    const top = store.layers.commit(await store.layers.stage(Readable.from([await makeTar([{name: 'b', content: 'b'}])])), base.chainId);
    t.true(existsSync(store.layers.diffDir(top)));
    const reopened = new ImageStore(dir);
    t.deepEqual(reopened.recover(), {removedLayers: 2});
    t.deepEqual(readdirSync(join(dir, 'image/overlay2/layerdb/sha256')), []);
    t.deepEqual(readdirSync(join(dir, 'overlay2')), ['l']);
    t.deepEqual(readdirSync(join(dir, 'overlay2/l')), []);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

