/**
 * `docker system df` through the stock docker CLI: images (a layer two images share counts once), containers
 * (what each changed in its upper dir), volumes (their data), and what a prune would reclaim.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {busyboxEngine} from '../helpers/busybox-engine.js';

const engine = busyboxEngine(test);

const MB = 1024 * 1024;

test('images, containers and volumes with their sizes; shared layers counted once', async (t) => {
  const context = join(engine.dir, 'df-context');
  mkdirSync(context, {recursive: true});
  writeFileSync(join(context, 'blob'), Buffer.alloc(2 * MB, 7));
  writeFileSync(join(context, 'Dockerfile'), 'FROM busybox\nCOPY blob /blob\n');
  t.is((await engine.docker(['build', '-q', '-t', 'withblob', context])).code, 0);
  t.is((await engine.docker(['volume', 'create', 'data'])).code, 0);
  const run = await engine.docker(['run', '--name', 'writer', '-v', 'data:/data', 'busybox', 'sh', '-c', 'head -c 1048576 /dev/zero > /rw-file; head -c 3145728 /dev/zero > /data/vol-file']);
  t.is(run.code, 0, run.stderr);

  const lines = (await engine.docker(['system', 'df', '--format', '{{json .}}'])).stdout.trim().split('\n');
  const df = lines.map((l) => JSON.parse(l) as {Type: string; TotalCount: string; Active: string; Size: string; Reclaimable: string});
  const row = (type: string) => df.find((r) => r.Type === type)!;
  t.like(row('Images'), {TotalCount: '2', Active: '1'});
  t.like(row('Containers'), {TotalCount: '1', Active: '0', Size: '1.049MB'});
  t.like(row('Local Volumes'), {TotalCount: '1', Active: '1', Size: '3.146MB'});

  const api = JSON.parse((await engine.docker(['system', 'df', '-v', '--format', '{{json .}}'])).stdout) as {
    Images: Array<{Repository: string; SharedSize: string; UniqueSize: string; Containers: string}>;
  };
  const busybox = api.Images.find((i) => i.Repository === 'busybox')!;
  const withBlob = api.Images.find((i) => i.Repository === 'withblob')!;
  t.is(busybox.Containers, '1');
  t.is(busybox.SharedSize, withBlob.SharedSize, 'the busybox layer is what both share');
  t.is(withBlob.UniqueSize, '2.097MB', 'the COPY layer is withblob\'s alone');
  const ps = await engine.docker(['ps', '-a', '-s', '--format', '{{.Names}} {{.Size}}']);
  t.regex(ps.stdout, /^writer 1\.05MB \(virtual \d/m, 'ps -s: what the container wrote, and with its image');
  t.is((await engine.docker(['inspect', '-s', '-f', '{{.SizeRw}}', 'writer'])).stdout.trim(), String(MB));
  const table = await engine.docker(['system', 'df']);
  t.regex(table.stdout, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/m);
  t.regex(table.stdout, /^Build Cache\s+0\s+0\s+0B\s+0B$/m);
});
