/**
 * The seed 004 walk, done in the data-root's files exactly as students do it: repositories.json → imagedb →
 * rootfs.diff_ids → the layerdb dir whose `diff` matches → parent → cache-id → overlay2/<cache-id>/diff,
 * then an overlay mount of all the layers plus a new upper dir.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {makeImageArchive, makeTar} from '../helpers/archive.js';
import {busyboxArchive} from '../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';

let engine: TestEngine;
test.before(async () => {
  engine = await startTestEngine();
});
test.after.always(async () => engine?.stop());

test('the image database walk reaches every layer dir of a three-layer image, and an overlay of them works', async (t) => {
  const bb = await busyboxArchive('docker');
  const layers = [
    readLayerFromArchive(bb.path),
    await makeTar([{name: 'etc/', type: 'directory'}, {name: 'etc/motd', content: 'layer two\n'}]),
    await makeTar([{name: 'etc/', type: 'directory'}, {name: 'etc/motd', content: 'layer three\n'}, {name: 'app.txt', content: 'app\n'}]),
  ];
  const image = await makeImageArchive({layers: await Promise.all(layers), repoTags: ['walk:1']});
  const load = await engine.docker(['load'], image.archive);
  t.is(load.code, 0, load.stderr);

  const root = join(engine.dataRoot, 'image', 'overlay2');
  // 1-2. repositories.json → the image's sha256
  const repos = JSON.parse(readFileSync(join(root, 'repositories.json'), 'utf8'));
  const id: string = repos.Repositories.walk['walk:1'];
  t.is(id, image.id);
  // 3-4. imagedb/content/sha256/<id> → rootfs.diff_ids
  const config = JSON.parse(readFileSync(join(root, 'imagedb', 'content', 'sha256', id.slice(7)), 'utf8'));
  const diffIds: string[] = config.rootfs.diff_ids;
  t.is(diffIds.length, 3);
  // 5. the layerdb dirs whose `diff` file holds each diff_id
  const layerdb = join(root, 'layerdb', 'sha256');
  const byDiff = new Map(readdirSync(layerdb).map((d) => [readFileSync(join(layerdb, d, 'diff'), 'utf8'), d]));
  const dirs = diffIds.map((d) => byDiff.get(d));
  t.true(dirs.every(Boolean), 'each diff_id has a layerdb dir');
  // 6. parent links the layers bottom to top
  t.false(existsSync(join(layerdb, dirs[0]!, 'parent')));
  t.is(readFileSync(join(layerdb, dirs[1]!, 'parent'), 'utf8'), `sha256:${dirs[0]}`);
  t.is(readFileSync(join(layerdb, dirs[2]!, 'parent'), 'utf8'), `sha256:${dirs[1]}`);
  // 7. cache-id → overlay2/<cache-id>/diff with the layer's files
  const diffDirs = dirs.map((d) => join(engine.dataRoot, 'overlay2', readFileSync(join(layerdb, d!, 'cache-id'), 'utf8'), 'diff'));
  t.true(existsSync(join(diffDirs[0], 'bin', 'busybox')));
  t.is(readFileSync(join(diffDirs[1], 'etc', 'motd'), 'utf8'), 'layer two\n');
  t.is(readFileSync(join(diffDirs[2], 'etc', 'motd'), 'utf8'), 'layer three\n');
  for (const d of dirs) t.true(Number(readFileSync(join(layerdb, d!, 'size'), 'utf8')) >= 0);
  // The short links and lower files of the overlay2 driver.
  const top = join(diffDirs[2], '..');
  const link = readFileSync(join(top, 'link'), 'utf8');
  t.is(link.length, 26);
  t.is(readlinkSync(join(engine.dataRoot, 'overlay2', 'l', link)), `../${top.split('/').pop()}/diff`);
  t.is(readFileSync(join(top, 'lower'), 'utf8').split(':').length, 2);

  // The seed's task: mount all layers plus a new upper, create a file, the layers stay unchanged.
  const work = join(engine.dir, 'walk');
  for (const d of ['upper', 'work', 'merged']) mkdirSync(join(work, d), {recursive: true});
  const lower = [...diffDirs].reverse().join(':');
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${work}/upper,workdir=${work}/work`, `${work}/merged`]);
  try {
    t.is(readFileSync(join(work, 'merged', 'etc', 'motd'), 'utf8'), 'layer three\n', 'the top layer wins');
    writeFileSync(join(work, 'merged', 'new.txt'), 'new\n');
    t.true(existsSync(join(work, 'upper', 'new.txt')));
    for (const d of diffDirs) t.false(existsSync(join(d, 'new.txt')), 'no image layer changed');
  } finally {
    execFileSync('umount', [`${work}/merged`]);
  }
});

function readLayerFromArchive(archive: string): Promise<Buffer> {
  // The busybox archive is in the legacy format: its one layer is the only */layer.tar entry.
  return import('tar-stream').then(
    ({default: tar}) =>
      new Promise<Buffer>((resolve, reject) => {
        const extract = tar.extract();
        let layer: Buffer | undefined;
        extract.on('entry', (header, stream, next) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            if (header.name.endsWith('layer.tar')) layer = Buffer.concat(chunks);
            next();
          });
        });
        extract.on('finish', () => (layer ? resolve(layer) : reject(new Error('no layer.tar in archive'))));
        extract.on('error', reject);
        extract.end(readFileSync(archive));
      }),
  );
}
