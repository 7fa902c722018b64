/** Binds, named and anonymous volumes, tmpfs and the refused binds, through the stock docker CLI. */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';

let engine: TestEngine;
let busybox: string;
test.before(async () => {
  engine = await startTestEngine();
  busybox = (await busyboxArchive('docker')).path;
  const load = await engine.docker(['load', '-i', busybox]);
  if (load.code !== 0) throw new Error(load.stderr);
});
test.after.always(async () => {
  await engine?.docker(['rm', '-f', 'keeper', 'holder', 'anon1']);
  await engine?.stop();
});

const inspect = async (name: string) => JSON.parse((await engine.docker(['inspect', name])).stdout)[0];

test.serial('-v host:path: a file written in the container is on the host after it is gone; a missing host dir is created', async (t) => {
  const host = join(engine.dir, 'host', 'out');
  t.false(existsSync(host));
  const run = await engine.docker(['run', '--name', 'keeper', '-v', `${host}:/out`, 'busybox', 'sh', '-c', 'echo written > /out/file']);
  t.is(run.code, 0, run.stderr);
  const mounts = (await inspect('keeper')).Mounts;
  t.deepEqual(mounts, [{Type: 'bind', Source: host, Destination: '/out', Mode: '', RW: true, Propagation: 'rprivate'}]);
  t.is((await engine.docker(['rm', 'keeper'])).code, 0);
  t.is(readFileSync(join(host, 'file'), 'utf8'), 'written\n');
});

test.serial(':ro and --mount readonly are read-only inside, and inspect says so', async (t) => {
  const host = join(engine.dir, 'host', 'out');
  const ro = await engine.docker(['run', '--rm', '-v', `${host}:/out:ro`, 'busybox', 'sh', '-c', 'cat /out/file && touch /out/new']);
  t.is(ro.stdout, 'written\n');
  t.not(ro.code, 0);
  t.regex(ro.stderr, /Read-only file system/);
  const mount = await engine.docker(['run', '--rm', '--mount', `type=bind,source=${host},target=/m,readonly`, 'busybox', 'touch', '/m/new']);
  t.regex(mount.stderr, /Read-only file system/);
  t.false(existsSync(join(host, 'new')));
  await engine.docker(['create', '--name', 'keeper', '-v', `${host}:/out:ro`, 'busybox', 'true']);
  const [m] = (await inspect('keeper')).Mounts;
  t.is(m.RW, false);
  t.is(m.Mode, 'ro');
  await engine.docker(['rm', 'keeper']);
  const missing = await engine.docker(['run', '--rm', '--mount', 'type=bind,source=/no/such/dir,target=/x', 'busybox', 'true']);
  t.regex(missing.stderr, /invalid mount config for type "bind": bind source path does not exist: \/no\/such\/dir/);
});

test.serial('a named volume lives in <data-root>/volumes/<name>/_data, outlives docker rm and is seen by the next container', async (t) => {
  const write = await engine.docker(['run', '--rm', '-v', 'notes:/data', 'busybox', 'sh', '-c', 'echo kept > /data/note']);
  t.is(write.code, 0, write.stderr);
  t.regex((await engine.docker(['volume', 'ls', '--format', '{{.Driver}} {{.Name}}'])).stdout, /^local notes$/m);
  const info = JSON.parse((await engine.docker(['volume', 'inspect', 'notes'])).stdout)[0];
  t.is(info.Mountpoint, join(engine.dataRoot, 'volumes', 'notes', '_data'));
  t.is(info.Driver, 'local');
  t.is(info.Scope, 'local');
  t.is(readFileSync(join(info.Mountpoint, 'note'), 'utf8'), 'kept\n');
  const read = await engine.docker(['run', '--rm', '-v', 'notes:/again', 'busybox', 'cat', '/again/note']);
  t.is(read.stdout, 'kept\n', read.stderr);
  await engine.docker(['create', '--name', 'keeper', '-v', 'notes:/data', 'busybox', 'true']);
  t.deepEqual((await inspect('keeper')).Mounts, [
    {Type: 'volume', Name: 'notes', Source: info.Mountpoint, Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: ''},
  ]);
  await engine.docker(['rm', '-v', 'keeper']);
  t.true(existsSync(info.Mountpoint), 'rm -v keeps named volumes');
});

test.serial('a new empty volume starts with the image content at its path', async (t) => {
  const run = await engine.docker(['run', '--rm', '-v', 'etcvol:/etc', 'busybox', 'cat', '/etc/passwd']);
  t.regex(run.stdout, /^root:/m, run.stderr);
  t.true(existsSync(join(engine.dataRoot, 'volumes', 'etcvol', '_data', 'passwd')));
  const nocopy = await engine.docker(['run', '--rm', '-v', 'bare:/etc:nocopy', 'busybox', 'ls', '/etc']);
  t.is(nocopy.code, 0, nocopy.stderr);
  t.false(existsSync(join(engine.dataRoot, 'volumes', 'bare', '_data', 'passwd')));
  t.is((await engine.docker(['volume', 'rm', 'etcvol', 'bare'])).code, 0);
});

test.serial('a volume in use cannot be removed (409, Docker message), even by a stopped container', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'holder', '-v', 'busy:/x', 'busybox', 'sleep', '300']);
  t.is(run.code, 0, run.stderr);
  const id = run.stdout.trim();
  const rm = await engine.docker(['volume', 'rm', 'busy']);
  t.not(rm.code, 0);
  t.regex(rm.stderr, new RegExp(`remove busy: volume is in use - \\[${id}\\]`));
  await engine.docker(['stop', '-t', '0', 'holder']);
  t.regex((await engine.docker(['volume', 'rm', 'busy'])).stderr, /volume is in use/);
  t.regex((await engine.docker(['ps', '-a', '--filter', 'volume=busy', '--format', '{{.Names}}'])).stdout, /^holder$/m);
  await engine.docker(['rm', 'holder']);
  const again = await engine.docker(['volume', 'rm', 'busy']);
  t.is(again.code, 0, again.stderr);
  t.regex((await engine.docker(['volume', 'inspect', 'busy'])).stderr, /no such volume/);
});

test.serial('anonymous volumes: -v /path and image VOLUME; rm -v and --rm remove them, prune removes unused ones', async (t) => {
  const count = async () => (await engine.docker(['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean).length;
  const before = await count();
  t.is((await engine.docker(['run', '--rm', '-v', '/scratch', 'busybox', 'touch', '/scratch/x'])).code, 0);
  t.is(await count(), before, '--rm took its anonymous volume along');
  await engine.docker(['run', '--name', 'anon1', '-v', '/scratch', 'busybox', 'true']);
  const [m] = (await inspect('anon1')).Mounts;
  t.is(m.Type, 'volume');
  t.regex(m.Name, /^[a-f0-9]{64}$/);
  t.is(await count(), before + 1);
  t.is((await engine.docker(['rm', '-v', 'anon1'])).code, 0);
  t.is(await count(), before);

  const build = await engine.docker(['build', '-q', '-t', 'withvol', '-'], 'FROM busybox\nRUN mkdir /vol && echo seeded > /vol/seed\nVOLUME /vol\n');
  t.is(build.code, 0, build.stderr);
  const run = await engine.docker(['run', '--name', 'anon1', 'withvol', 'cat', '/vol/seed']);
  t.is(run.stdout, 'seeded\n', run.stderr);
  await engine.docker(['rm', 'anon1']);
  t.is(await count(), before + 1, 'rm without -v leaves it');
  const prune = await engine.docker(['volume', 'prune', '-f']);
  t.is(prune.code, 0, prune.stderr);
  t.regex(prune.stdout, /Deleted Volumes:/);
  t.is(await count(), before);
});

test.serial('--tmpfs and --mount type=tmpfs are tmpfs mounts', async (t) => {
  const run = await engine.docker(['run', '--rm', '--tmpfs', '/scratch:size=1m', '--mount', 'type=tmpfs,target=/t', 'busybox', 'sh', '-c', 'grep -E " /(scratch|t) " /proc/mounts']);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^tmpfs \/scratch tmpfs rw,nosuid,nodev,noexec,.*size=1024k/m);
  t.regex(run.stdout, /^tmpfs \/t tmpfs /m);
});

test.serial('binding / or the data-root is refused with the reason', async (t) => {
  const root = await engine.docker(['run', '--rm', '-v', '/:/host', 'busybox', 'true']);
  t.is(root.code, 125);
  t.regex(root.stderr, /binding \/ into a container gives it the host: refused by this lab engine/);
  const data = await engine.docker(['run', '--rm', '-v', `${engine.dataRoot}/volumes:/v`, 'busybox', 'true']);
  t.regex(data.stderr, /engine's data-root .* refused by this lab engine/);
  const exec = await engine.docker(['run', '--rm', '--mount', `type=bind,source=${engine.execRoot},target=/r`, 'busybox', 'true']);
  t.regex(exec.stderr, /engine's exec-root .* refused by this lab engine/);
  t.is((await engine.docker(['ps', '-aq'])).stdout.trim(), '', 'nothing was created');
});

test.serial('"allow-dangerous-binds": true in daemon.json lets a teacher bind /', async (t) => {
  const open = await startTestEngine({daemonJson: {'allow-dangerous-binds': true}});
  try {
    t.is((await open.docker(['load', '-i', busybox])).code, 0);
    const run = await open.docker(['run', '--rm', '-v', '/:/host:ro', 'busybox', 'cat', '/host/etc/os-release']);
    t.is(run.code, 0, run.stderr);
    t.is(run.stdout, readFileSync('/etc/os-release', 'utf8'));
  } finally {
    await open.stop();
  }
});
