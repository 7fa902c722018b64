import {spawn} from 'node:child_process';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {isVmQemu, listVmRecords, vmDir, vmFiles, type VmRecord, vmState, writeVmRecord, checkVmName} from '../../src/vm/record.js';
import {waitFor} from '../helpers/wait.js';

async function stateDir(t: {teardown: (fn: () => Promise<void>) => void}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-vmstate-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  return dir;
}

function record(dir: string, name: string, extra: Partial<VmRecord>): VmRecord {
  return {
    name,
    dir,
    status: 'running',
    accel: 'tcg',
    workdir: '/root',
    image: {key: 'k', dir: '/nowhere', vmlinux: '', initramfs: '', base: '', cmdline: '', memoryMiB: 512, cpus: 1, machine: 'q35'},
    hostKey: 'ssh-ed25519 AAAA',
    hostKeyFingerprint: 'SHA256:x',
    createdAt: new Date().toISOString(),
    ...extra,
  };
}

/** A process that looks like this VM's qemu in /proc/<pid>/cmdline (argv[0] set with bash's exec -a). */
function fakeQemu(dir: string): {pid: number; stop: () => void} {
  // sh -c ignores its extra arguments, which only serve to put the VM's folder into the command line.
  const child = spawn('bash', ['-c', `exec -a qemu-system-x86_64 sh -c 'sleep 60' sh ${dir}/disk.qcow2`], {stdio: 'ignore', env: {PATH: process.env.PATH}});
  return {pid: child.pid!, stop: () => child.kill('SIGKILL')};
}

test('VM names are checked before they become paths', (t) => {
  t.is(checkVmName('lab26'), 'lab26');
  for (const bad of ['', '../x', 'a/b', 'UPPER', '.hidden', 'x'.repeat(64)]) t.throws(() => checkVmName(bad));
});

test("a live qemu on this VM's folder is running; a dead pid or another program is stale", async (t) => {
  const states = await stateDir(t);
  const dir = vmDir('vm1', states);
  await mkdir(dir, {recursive: true});
  const qemu = fakeQemu(dir);
  t.teardown(qemu.stop);
  await waitFor(() => isVmQemu(qemu.pid, dir), {timeoutMs: 5000, what: 'the stand-in qemu to be running'});
  t.true(await isVmQemu(qemu.pid, dir));
  t.is(await vmState(record(dir, 'vm1', {pid: qemu.pid})), 'running');
  // The same qemu seen from another VM's folder is not that VM's.
  t.false(await isVmQemu(qemu.pid, vmDir('vm2', states)));
  // A recycled pid: alive, but not qemu.
  t.is(await vmState(record(dir, 'vm1', {pid: process.pid})), 'stale');
  qemu.stop();
  await waitFor(async () => !(await isVmQemu(qemu.pid, dir)), {timeoutMs: 5000, what: 'the stand-in qemu to be gone'});
  t.is(await vmState(record(dir, 'vm1', {pid: qemu.pid})), 'stale');
  t.is(await vmState(record(dir, 'vm1', {pid: undefined})), 'stale');
});

test('a guest that powered itself off is stopped, not stale; an explicit stop stays stopped', async (t) => {
  const states = await stateDir(t);
  const dir = vmDir('vm1', states);
  await mkdir(dir, {recursive: true});
  await writeFile(vmFiles(dir).serialLog, 'LAB-VM-READY up=1 ssh-ed25519 SHA256:x\nLAB-VM-POWEROFF\n');
  t.is(await vmState(record(dir, 'vm1', {pid: 999_999_999})), 'stopped');
  t.is(await vmState(record(dir, 'vm1', {status: 'stopped'})), 'stopped');
});

test('records are listed by name; folders without one or with odd names are ignored', async (t) => {
  const states = await stateDir(t);
  for (const name of ['b', 'a']) {
    const dir = vmDir(name, states);
    await mkdir(dir, {recursive: true});
    await writeVmRecord(record(dir, name, {}));
  }
  await mkdir(join(states, 'no-record'));
  await mkdir(join(states, 'Odd Name'));
  t.deepEqual((await listVmRecords(states)).map((r) => r.name), ['a', 'b']);
});
