import {spawnSync} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {buildImageArchive} from '../../src/debian-images/index.js';
import {isRoot, when} from '../helpers/needs.js';
import {freshCacheDir, jsonOf, member, readTar} from './helpers.js';

/** chroot lives in /usr/sbin on Debian, which the clean environment below leaves out of PATH. */
function findChroot(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin']) {
    const candidate = join(dir, 'chroot');
    if (dir && spawnSync('test', ['-x', candidate]).status === 0) return candidate;
  }
  return 'chroot';
}

when({'needs root for chroot': isRoot})('the unpacked layer runs: chroot DIR /bin/sh', async (t) => {
  const result = await buildImageArchive('busybox', {format: 'oci', cacheDir: await freshCacheDir()});
  const members = await readTar(result.path);
  const [manifest] = jsonOf(members, 'manifest.json') as {Layers: string[]}[];
  const layer = member(members, manifest!.Layers[0]!).data;

  const work = await mkdtemp(join(tmpdir(), 'lab-busybox-run-'));
  t.teardown(() => rm(work, {recursive: true, force: true}));
  const layerFile = join(work, 'layer.tar');
  const root = join(work, 'rootfs');
  await writeFile(layerFile, layer);
  spawnSync('mkdir', [root]);
  // GNU tar, not our own reader: the layer must be a plain tar any tool unpacks.
  const untar = spawnSync('tar', ['-xpf', layerFile, '-C', root], {encoding: 'utf8'});
  t.is(untar.status, 0, untar.stderr);

  const chroot = findChroot();
  const run = spawnSync(chroot, [root, '/bin/sh', '-c', 'echo hi; ls /bin | wc -l'], {encoding: 'utf8', env: {PATH: '/bin', HOME: '/root'}});
  t.is(run.status, 0, `${run.error?.message ?? ''} ${run.stderr ?? ''}`);
  const [hi, count] = run.stdout.trim().split('\n').map((l) => l.trim());
  t.is(hi, 'hi');
  const inBin = (await readTar(layer)).filter((e) => e.header.name.startsWith('bin/') && e.header.name !== 'bin/').length;
  t.is(Number(count), inBin, 'ls /bin sees busybox and every applet link');

  const whoami = spawnSync(chroot, [root, '/bin/sh', '-c', 'id -un; stat -c %a /tmp; cat /etc/hostname 2>/dev/null || echo none'], {encoding: 'utf8', env: {PATH: '/bin'}});
  t.is(whoami.status, 0, `${whoami.error?.message ?? ''} ${whoami.stderr ?? ''}`);
  t.deepEqual(whoami.stdout.trim().split('\n'), ['root', '1777', 'none']);
});
