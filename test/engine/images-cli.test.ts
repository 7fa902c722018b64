/** The image commands, driven by the stock docker CLI against a real labd. */
import {createHash} from 'node:crypto';
import {createReadStream, existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import tar from 'tar-stream';
import {busyboxArchive} from '../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';
import {makeImageArchive, makeTar} from '../helpers/archive.js';

let engine: TestEngine;
let busybox: Awaited<ReturnType<typeof busyboxArchive>>;

test.before(async () => {
  busybox = await busyboxArchive('docker');
  engine = await startTestEngine();
});
test.after.always(async () => engine?.stop());

async function blobsOf(archive: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const h = createHash('sha256');
    stream.on('data', (d: Buffer) => h.update(d));
    stream.on('end', () => {
      hashes.set(header.name, 'sha256:' + h.digest('hex'));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    createReadStream(archive).pipe(extract);
  });
  return hashes;
}

test.serial('load → images → inspect → history → tag → rmi → save → rmi → load gives back the same image', async (t) => {
  const load = await engine.docker(['load', '-i', busybox.path]);
  t.is(load.code, 0, load.stderr);
  t.regex(load.stdout, /Loaded image: busybox:latest/);

  const images = await engine.docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
  t.is(images.stdout.trim(), `busybox:latest ${busybox.imageId.slice(7, 19)}`);
  const quiet = await engine.docker(['images', '-q']);
  t.is(quiet.stdout.trim(), busybox.imageId.slice(7, 19));
  const table = await engine.docker(['images']);
  t.regex(table.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE/);

  const inspect = JSON.parse((await engine.docker(['image', 'inspect', 'busybox'])).stdout)[0];
  t.is(inspect.Id, busybox.imageId);
  t.deepEqual(inspect.Config.Cmd, ['sh']);
  t.deepEqual(inspect.RootFS.Layers, busybox.diffIds);
  t.is(inspect.GraphDriver.Name, 'overlay2');
  t.true(existsSync(join(inspect.GraphDriver.Data.UpperDir, 'bin', 'busybox')), 'the layer dir holds bin/busybox');

  const history = await engine.docker(['history', 'busybox']);
  t.is(history.code, 0, history.stderr);
  t.regex(history.stdout, new RegExp(busybox.imageId.slice(7, 19)));

  t.is((await engine.docker(['tag', 'busybox', 'mybox:v1'])).code, 0);
  const two = await engine.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  t.deepEqual(two.stdout.trim().split('\n').sort(), ['busybox:latest', 'mybox:v1']);
  const untag = await engine.docker(['rmi', 'mybox:v1']);
  t.is(untag.stdout.trim(), 'Untagged: mybox:v1');

  const saved = join(engine.dir, 'saved.tar');
  const save = await engine.docker(['save', '-o', saved, 'busybox']);
  t.is(save.code, 0, save.stderr);
  const blobs = await blobsOf(saved);
  for (const diffId of busybox.diffIds) t.is(blobs.get(`blobs/sha256/${diffId.slice(7)}`), diffId, 'saved layer bytes hash to the diff ID');
  t.is(blobs.get(`blobs/sha256/${busybox.imageId.slice(7)}`), busybox.imageId);
  t.true(blobs.has('index.json') && blobs.has('manifest.json') && blobs.has('oci-layout'));

  const rmi = await engine.docker(['rmi', 'busybox']);
  t.is(rmi.code, 0, rmi.stderr);
  t.regex(rmi.stdout, /Untagged: busybox:latest/);
  t.regex(rmi.stdout, new RegExp(`Deleted: ${busybox.imageId}`));
  t.is((await engine.docker(['images', '-q'])).stdout.trim(), '');
  t.is(readFileSync(join(engine.dataRoot, 'image/overlay2/repositories.json'), 'utf8'), '{"Repositories":{}}');

  const reload = await engine.docker(['load', '-i', saved]);
  t.is(reload.code, 0, reload.stderr);
  t.regex(reload.stdout, /Loaded image: busybox:latest/);
  t.is(JSON.parse((await engine.docker(['image', 'inspect', 'busybox'])).stdout)[0].Id, busybox.imageId);
});

test.serial('the OCI-layout archive (Docker 25+ format) loads as the same image', async (t) => {
  const oci = await busyboxArchive('oci');
  t.is(oci.imageId, busybox.imageId);
  const load = await engine.docker(['load', '-i', oci.path]);
  t.is(load.code, 0, load.stderr);
  t.regex(load.stdout, /Loaded image: busybox:latest/);
  t.is(JSON.parse((await engine.docker(['image', 'inspect', 'busybox:latest'])).stdout)[0].Id, busybox.imageId);
});

test.serial('image prune removes dangling images only; prune -a removes the rest', async (t) => {
  const layer = await makeTar([{name: 'hello.txt', content: 'hello\n'}]);
  const first = await makeImageArchive({layers: [layer], repoTags: ['app:1'], config: {comment: 'first'}});
  const second = await makeImageArchive({layers: [layer], repoTags: ['app:1'], config: {comment: 'second'}});
  await engine.docker(['load'], first.archive);
  const moved = await engine.docker(['load'], second.archive);
  t.regex(moved.stdout, /renaming the old one/);
  const dangling = await engine.docker(['images', '--filter', 'dangling=true', '-q', '--no-trunc']);
  t.is(dangling.stdout.trim(), first.id);
  const none = await engine.docker(['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', 'dangling=true']);
  t.is(none.stdout.trim(), '<none>:<none>');

  const prune = await engine.docker(['image', 'prune', '-f']);
  t.is(prune.code, 0, prune.stderr);
  t.regex(prune.stdout, new RegExp(`deleted: ${first.id}`));
  const left = (await engine.docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.trim().split('\n').sort();
  t.deepEqual(left, ['app:1', 'busybox:latest']);
  // The layer the two images shared is still there for app:1.
  t.is(JSON.parse((await engine.docker(['image', 'inspect', 'app:1'])).stdout)[0].Id, second.id);

  const all = await engine.docker(['image', 'prune', '-a', '-f']);
  t.is(all.code, 0, all.stderr);
  t.is((await engine.docker(['images', '-q'])).stdout.trim(), '');
  t.regex(all.stdout, /Total reclaimed space/);
});

test.serial('errors read as Docker users know them', async (t) => {
  await engine.docker(['load', '-i', busybox.path]);
  const missing = await engine.docker(['rmi', 'nosuch']);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /Error response from daemon: No such image: nosuch:latest/);
  const inspect = await engine.docker(['image', 'inspect', 'nosuch']);
  t.is(inspect.code, 1);
  t.regex(inspect.stderr, /No such image: nosuch/);
  await engine.docker(['tag', 'busybox', 'other:1']);
  const byId = await engine.docker(['rmi', busybox.imageId.slice(7, 19)]);
  t.is(byId.code, 1);
  t.regex(byId.stderr, /unable to delete .* \(must be forced\) - image is referenced in multiple repositories/);
  const forced = await engine.docker(['rmi', '-f', busybox.imageId.slice(7, 19)]);
  t.is(forced.code, 0, forced.stderr);
  t.regex(forced.stdout, /Untagged: busybox:latest/);
  t.regex(forced.stdout, /Untagged: other:1/);
  t.regex(forced.stdout, /Deleted: sha256:/);
  const badTag = await engine.docker(['tag', 'nosuch', 'x:1']);
  t.regex(badTag.stderr, /No such image: nosuch/);
  // A registry that is not there (a closed loopback port): dockerd's words for it, whatever the machine's internet.
  const pull = await engine.docker(['pull', '127.0.0.1:1/nosuch']);
  t.not(pull.code, 0);
  t.regex(pull.stderr, /Error response from daemon: Get "http:\/\/127\.0\.0\.1:1\/v2\/": dial tcp 127\.0\.0\.1:1: connect: connection refused/);
});

test.serial('layers shared by two images are stored once', async (t) => {
  const base = await makeTar([{name: 'base.txt', content: 'base\n'}]);
  const a = await makeImageArchive({layers: [base, await makeTar([{name: 'a.txt', content: 'a\n'}])], repoTags: ['shared-a:1']});
  const b = await makeImageArchive({layers: [base, await makeTar([{name: 'b.txt', content: 'b\n'}])], repoTags: ['shared-b:1']});
  t.is((await engine.docker(['load'], a.archive)).code, 0);
  t.is((await engine.docker(['load'], b.archive)).code, 0);
  const ia = JSON.parse((await engine.docker(['image', 'inspect', 'shared-a:1'])).stdout)[0];
  const ib = JSON.parse((await engine.docker(['image', 'inspect', 'shared-b:1'])).stdout)[0];
  t.is(ia.GraphDriver.Data.LowerDir, ib.GraphDriver.Data.LowerDir, 'both images sit on the same base layer dir');
  await engine.docker(['rmi', 'shared-a:1']);
  t.true(existsSync(join(ib.GraphDriver.Data.LowerDir, 'base.txt')), 'removing one image keeps the shared layer');
  t.false(existsSync(ia.GraphDriver.Data.UpperDir), 'its own top layer is gone');
});

test.serial('docker events reports image actions', async (t) => {
  const since = Math.floor(Date.now() / 1000) - 1;
  await engine.docker(['load', '-i', busybox.path]);
  await engine.docker(['tag', 'busybox', 'evt:1']);
  await engine.docker(['rmi', 'evt:1']);
  const until = Math.ceil(Date.now() / 1000) + 1;
  const events = await engine.docker(['events', '--since', String(since), '--until', String(until), '--filter', 'type=image', '--format', '{{.Action}} {{.Actor.Attributes.name}}']);
  t.is(events.code, 0, events.stderr);
  const lines = events.stdout.trim().split('\n');
  t.true(lines.includes('load busybox:latest'), events.stdout);
  t.true(lines.includes('tag evt:1'));
  t.true(lines.includes('untag evt:1'));
});

test.serial('version and info answer like an engine', async (t) => {
  const version = await engine.docker(['version', '--format', '{{.Server.APIVersion}} {{.Server.Os}}']);
  t.is(version.stdout.trim(), '1.50 linux', version.stderr);
  const info = await engine.docker(['info', '--format', '{{.Driver}} {{.DockerRootDir}}']);
  t.is(info.stdout.trim(), `overlay2 ${engine.dataRoot}`, info.stderr);
});
