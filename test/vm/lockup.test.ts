/** A VM whose kernel hung does not answer SSH; the error says what its console reported, not only "timed out". */
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {connectVm} from '../../src/vm/machine/lifecycle.js';
import {vmFiles, type VmRecord} from '../../src/vm/record.js';
import {generateClientKey, generateHostKey} from '../../src/vm/ssh/keys.js';

/** A port that accepts and then closes at once: what a guest whose kernel stopped scheduling looks like from here. */
async function closingPort(t: {teardown: (fn: () => void) => void}): Promise<number> {
  const server = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.teardown(() => server.close());
  return (server.address() as {port: number}).port;
}

async function vm(t: {teardown: (fn: () => Promise<void>) => void}, serial: string, port: number): Promise<VmRecord> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-vm-lockup-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  await mkdir(dir, {recursive: true});
  await writeFile(vmFiles(dir).clientKey, generateClientKey('test').privateKey, {mode: 0o600});
  await writeFile(vmFiles(dir).serialLog, serial);
  const host = generateHostKey();
  return {
    name: 'hung', dir, status: 'running', sshPort: port, accel: 'tcg', workdir: '/root',
    image: {key: 'k', dir: '/nowhere', vmlinux: '', initramfs: '', base: '', cmdline: '', memoryMiB: 512, cpus: 1, machine: 'q35'},
    hostKey: host.line, hostKeyFingerprint: host.fingerprint, createdAt: new Date().toISOString(),
  };
}

test('a soft lockup on the console is named in the error, with what to do', async (t) => {
  const record = await vm(t, 'LAB-VM-READY up=3.9\n[   72.872476] watchdog: BUG: soft lockup - CPU#0 stuck for 48s! [runc:195]\n', await closingPort(t));
  const error = await t.throwsAsync(connectVm(record));
  t.regex(error!.message, /VM hung does not answer: its kernel reports "watchdog: BUG: soft lockup - CPU#0 stuck for 48s! \[runc:195\]"/);
  t.regex(error!.message, /lab stop, then lab ssh/);
});

test('without such a report the SSH error is left as it is', async (t) => {
  const record = await vm(t, 'LAB-VM-READY up=3.9\n', await closingPort(t));
  const error = await t.throwsAsync(connectVm(record));
  t.notRegex(error!.message, /kernel reports/);
});
