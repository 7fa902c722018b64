/** --pid=host: the container's process is in the host's pid namespace (and sees the host's processes), as under dockerd. */
import {readlinkSync} from 'node:fs';
import test from 'ava';
import {busyboxArchive} from '../helpers/busybox.js';
import {busyboxEngine} from '../helpers/busybox-engine.js';
import {when} from '../helpers/needs.js';
import {needsDockerd, startReferenceDockerd, type ReferenceDockerd} from '../helpers/reference-dockerd.js';

const engine = busyboxEngine(test);
let reference: ReferenceDockerd | undefined;
test.after.always(async () => reference?.stop());

interface Dockerish {
  docker(args: string[]): Promise<{code: number; stdout: string; stderr: string}>;
}

/** The pid namespace a container's process is in, with and without --pid=host, and whether it sees the host's PID 1's parent-less peers. */
async function pidViews(e: Dockerish) {
  const run = async (flags: string[]) => {
    const r = await e.docker(['run', '--rm', ...flags, 'busybox', 'sh', '-c', 'readlink /proc/self/ns/pid; ls /proc | grep -c "^[0-9]"']);
    const [ns, count] = r.stdout.trim().split('\n');
    return {code: r.code, ns, count: Number(count)};
  };
  return {shared: await run(['--pid=host']), own: await run([])};
}

when(needsDockerd)('--pid=host shares the host\'s pid namespace under labd as under dockerd; without it the container has its own', async (t) => {
  const host = readlinkSync('/proc/self/ns/pid');
  const mine = await pidViews(engine);
  reference = await startReferenceDockerd();
  const load = await reference.docker(['load', '-i', (await busyboxArchive('docker')).path]);
  t.is(load.code, 0, load.stderr);
  const theirs = await pidViews(reference);
  for (const [who, v] of [['labd', mine], ['dockerd', theirs]] as const) {
    t.is(v.shared.code, 0, who);
    t.is(v.shared.ns, host, `${who}: --pid=host is the host's pid namespace`);
    t.true(v.shared.count > 10, `${who}: and sees the host's processes (${v.shared.count})`);
    t.not(v.own.ns, host, `${who}: without it, a pid namespace of its own`);
    t.true(v.own.count <= 3, `${who}: where it sees only itself (${v.own.count})`);
  }
});
