/**
 * `docker volume create -o type=tmpfs -o device=tmpfs -o o=size=1m`: the local driver's mount options, through the
 * stock docker CLI. A container using the volume sees the mount (a tmpfs of that size, read from the kernel in the
 * container), inspect shows the options as sent, the mount lasts while a running container uses it and goes with
 * the volume, and options the driver does not take are refused with dockerd's words.
 */
import {existsSync, readFileSync} from 'node:fs';
import test from 'ava';
import {busyboxEngine} from '../helpers/busybox-engine.js';

const engine = busyboxEngine(test);
const ok = async (args: string[]) => {
  const r = await engine.docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

test.serial('a tmpfs volume is mounted for the containers that use it, and unmounted when removed', async (t) => {
  await ok(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', 'vo-tmp']);
  const inspected = JSON.parse(await ok(['volume', 'inspect', 'vo-tmp']))[0];
  t.deepEqual(inspected.Options, {type: 'tmpfs', device: 'tmpfs', o: 'size=1m'});
  const mounted = () => readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${inspected.Mountpoint} `);
  await ok(['run', '-d', '--name', 'vo-user', '--network', 'none', '-v', 'vo-tmp:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f; sleep 600']);
  const seen = await ok(['exec', 'vo-user', 'stat', '-f', '-c', '%T %b %S', '/data']);
  const [type, blocks, blockSize] = seen.split(' ');
  t.is(type, 'tmpfs');
  t.is(Number(blocks) * Number(blockSize), 1024 * 1024, 'the size option reached the mount');
  t.is(readFileSync(`${inspected.Mountpoint}/f`, 'utf8'), 'kept\n', 'the container wrote into the mounted volume');
  t.true(mounted());
  // A second container shares the mount; it stays until the last one stops.
  t.is(await ok(['run', '--rm', '--network', 'none', '-v', 'vo-tmp:/data', 'busybox', 'cat', '/data/f']), 'kept');
  t.true(mounted(), 'still mounted while vo-user runs');
  await ok(['rm', '-f', 'vo-user']);
  t.false(mounted(), 'unmounted once no running container uses it');
  t.is(await ok(['run', '--rm', '--network', 'none', '-v', 'vo-tmp:/data', 'busybox', 'ls', '/data']), '', 'a tmpfs volume starts empty again, as on dockerd');
  t.true(await ok(['run', '--rm', '--network', 'none', '-v', 'vo-tmp:/data', 'busybox', 'stat', '-f', '-c', '%T', '/data']) === 'tmpfs');
  await ok(['volume', 'rm', 'vo-tmp']);
  t.false(readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${inspected.Mountpoint} `), 'unmounted with the volume');
  t.false(existsSync(inspected.Mountpoint));
});

test.serial('options the local driver does not take are refused, and a plain volume stays a directory', async (t) => {
  const bad = await engine.docker(['volume', 'create', '-o', 'nope=1', 'vo-bad']);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /create vo-bad: invalid option: "nope"/);
  const noDevice = await engine.docker(['volume', 'create', '-o', 'o=size=1m', 'vo-bad']);
  t.regex(noDevice.stderr, /create vo-bad: missing required option: "device"/);
  await ok(['volume', 'create', 'vo-plain']);
  t.is(JSON.parse(await ok(['volume', 'inspect', 'vo-plain']))[0].Options, null);
  t.is(await ok(['run', '--rm', '--network', 'none', '-v', 'vo-plain:/data', 'busybox', 'stat', '-f', '-c', '%T', '/data']) === 'tmpfs', false);
  await ok(['volume', 'rm', 'vo-plain']);
});
