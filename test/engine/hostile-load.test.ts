/**
 * Hostile image archives through `docker load`: every one is refused with a clear error, nothing is written,
 * linked or read outside the data-root, the store is exactly as before, and the daemon keeps serving.
 */
import {createHash} from 'node:crypto';
import {mkdirSync, readFileSync, readdirSync, lstatSync, writeFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import test from 'ava';
import {makeImageArchive, makeTar, digestOf, type TarEntry} from '../helpers/archive.js';
import {busyboxArchive} from '../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';

let engine: TestEngine;
let outside: string;

test.before(async () => {
  engine = await startTestEngine();
  outside = join(engine.dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'target'), 'untouched\n');
  const bb = await busyboxArchive('docker');
  const load = await engine.docker(['load', '-i', bb.path]);
  if (load.code !== 0) throw new Error(load.stderr);
});
test.after.always(async () => engine?.stop());

/** Every path under a dir with its type, size and mode: the store's visible state. */
function snapshot(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (skip(rel)) continue;
      const st = lstatSync(p);
      out.push(`${rel} ${st.mode.toString(8)} ${st.isFile() ? st.size : ''}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

const storeState = () => snapshot(engine.dataRoot, (rel) => rel === 'tmp' || rel.startsWith('tmp/') || rel === 'image/overlay2/layerdb/tmp' || rel.startsWith('image/overlay2/layerdb/tmp/'));
const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

async function expectRefused(t: import('ava').ExecutionContext, archive: Buffer, message: RegExp) {
  const before = storeState();
  const outsideBefore = snapshot(outside);
  const shadow = hash('/etc/shadow');
  const r = await engine.docker(['load'], archive);
  t.not(r.code, 0, `refused (stdout: ${r.stdout})`);
  t.regex(r.stderr, message);
  t.deepEqual(storeState(), before, 'the store is exactly as it was');
  t.deepEqual(snapshot(outside), outsideBefore, 'nothing appeared outside the data-root');
  t.is(readFileSync(join(outside, 'target'), 'utf8'), 'untouched\n');
  t.is(hash('/etc/shadow'), shadow);
  t.deepEqual(readdirSync(join(engine.dataRoot, 'tmp')), [], 'staging was cleaned');
  const alive = await engine.docker(['version', '--format', '{{.Server.APIVersion}}']);
  t.is(alive.code, 0, 'the daemon keeps serving');
}

const layerImage = async (entries: TarEntry[]) => (await makeImageArchive({layers: [await makeTar(entries)], repoTags: ['evil:1']})).archive;

test.serial('garbage bytes', async (t) => {
  await expectRefused(t, Buffer.from('this is not a tar archive at all, just some text\n'.repeat(40)), /invalid image archive|not a valid tar|empty or not a tar/);
});

test.serial('a truncated archive', async (t) => {
  const {archive} = await makeImageArchive({layers: [await makeTar([{name: 'a', content: 'x'.repeat(100_000)}])], repoTags: ['trunc:1']});
  await expectRefused(t, archive.subarray(0, Math.floor(archive.length / 2)), /invalid image archive/);
});

test.serial('manifest Config path that escapes the archive', async (t) => {
  const {archive} = await makeImageArchive({layers: [await makeTar([{name: 'a', content: 'a'}])], manifest: (m) => ({...m, Config: '../../../../etc/passwd'})});
  await expectRefused(t, archive, /outside the archive/);
});

test.serial('manifest Layers path that escapes the archive', async (t) => {
  const {archive} = await makeImageArchive({layers: [await makeTar([{name: 'a', content: 'a'}])], manifest: (m) => ({...m, Layers: ['../../../../etc/shadow']})});
  await expectRefused(t, archive, /outside the archive/);
});

test.serial('an archive entry named with ..', async (t) => {
  const {archive} = await makeImageArchive({layers: [await makeTar([{name: 'a', content: 'a'}])], extraEntries: [{name: '../../outside/target', content: 'pwned'}]});
  await expectRefused(t, archive, /outside the archive/);
});

test.serial('an archive entry with an absolute name', async (t) => {
  const {archive} = await makeImageArchive({layers: [await makeTar([{name: 'a', content: 'a'}])], extraEntries: [{name: `${outside}/target`, content: 'pwned'}]});
  await expectRefused(t, archive, /absolute path|outside the archive/);
});

test.serial('an archive symlink to a host file used as a layer', async (t) => {
  const {archive} = await makeImageArchive({
    layers: [await makeTar([{name: 'a', content: 'a'}])],
    manifest: (m) => ({...m, Layers: ['link/layer.tar']}),
    extraEntries: [{name: 'link', type: 'symlink', linkname: '/etc'}],
  });
  await expectRefused(t, archive, /outside the archive|not in the archive/);
});

test.serial('a layer whose digest does not match the config', async (t) => {
  const layer = await makeTar([{name: 'a', content: 'a'}]);
  const {archive} = await makeImageArchive({layers: [layer], diffIds: [digestOf('something else')]});
  await expectRefused(t, archive, /does not match|expects/);
});

test.serial('a config with a malformed diff_id', async (t) => {
  const {archive} = await makeImageArchive({layers: [await makeTar([{name: 'a', content: 'a'}])], diffIds: ['sha256:../../etc']});
  await expectRefused(t, archive, /diff_ids\[0\]/);
});

test.serial('a layer entry that climbs out with ..', async (t) => {
  await expectRefused(t, await layerImage([{name: '../../../../../outside/target', content: 'pwned'}]), /escapes|outside|\.\./);
});

test.serial('a layer entry with an absolute path', async (t) => {
  await expectRefused(t, await layerImage([{name: `${outside}/new`, content: 'pwned'}]), /absolute/);
});

test.serial('a layer that writes through a symlink it just made', async (t) => {
  await expectRefused(t, await layerImage([{name: 'link', type: 'symlink', linkname: outside}, {name: 'link/target', content: 'pwned'}]), /symlink|link/);
});

test.serial('a layer that writes through a chain of symlinks', async (t) => {
  await expectRefused(
    t,
    await layerImage([
      {name: 'a', type: 'symlink', linkname: 'b'},
      {name: 'b', type: 'symlink', linkname: '../../../../../../..'},
      {name: `a${outside}/target`, content: 'pwned'},
    ]),
    /symlink|link/,
  );
});

test.serial('a layer with a hardlink to a host file', async (t) => {
  await expectRefused(t, await layerImage([{name: 'shadow', type: 'link', linkname: '/etc/shadow'}]), /link|absolute|escapes/);
});

test.serial('a layer with a hardlink that climbs out', async (t) => {
  await expectRefused(t, await layerImage([{name: 'target', type: 'link', linkname: '../../../../../outside/target'}]), /link|escapes|outside/);
});

test.serial('a refused large layer reports its real reason', async (t) => {
  const big = Buffer.alloc(1536 * 1024, 7);
  await expectRefused(t, await layerImage([{name: 'big.bin', content: big}, {name: 'alias', type: 'link', linkname: 'not-there-yet'}]), /not-there-yet|not in the layer/);
});
