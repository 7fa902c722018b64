import {appendFile, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {parseBanners, waitForBanner} from '../../src/vm/machine/serial.js';
import {qemuArgs} from '../../src/vm/machine/qemu-args.js';

test('banners are read from complete lines only, with console noise around them', (t) => {
  t.deepEqual(parseBanners('noise\r\n[ 1.2] x LAB-VM-READY up=3.1 ssh-ed25519 SHA256:abc\r\nLAB-VM-ENGINE-REA'), [
    {kind: 'ready', detail: 'up=3.1 ssh-ed25519 SHA256:abc'},
  ]);
  t.deepEqual(parseBanners('LAB-VM-FAILED no root disk\n').map((b) => b.kind), ['failed']);
});

test('waiting sees a banner written after it started', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-serial-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  const file = join(dir, 'serial.log');
  await writeFile(file, 'booting\n');
  setTimeout(() => void appendFile(file, 'LAB-VM-READY up=1 ssh-ed25519 SHA256:k\n'), 150);
  const banner = await waitForBanner(file, ['ready'], {timeoutMs: 5000, isAlive: async () => true});
  t.is(banner.detail, 'up=1 ssh-ed25519 SHA256:k');
});

test('a FAILED banner, a dead qemu and a timeout end the wait with the console tail', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-serial-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  const file = join(dir, 'serial.log');
  await writeFile(file, 'LAB-VM-FAILED cannot mount /dev/vda\n');
  await t.throwsAsync(waitForBanner(file, ['ready'], {timeoutMs: 5000, isAlive: async () => true}), {message: /failed to boot: cannot mount/});
  await writeFile(file, 'kernel panic\n');
  await t.throwsAsync(waitForBanner(file, ['ready'], {timeoutMs: 5000, isAlive: async () => false, describeExit: async () => 'exit 1'}), {
    message: /qemu exited before the VM was ready: exit 1[\s\S]*kernel panic/,
  });
  await t.throwsAsync(waitForBanner(file, ['ready'], {timeoutMs: 100, isAlive: async () => true}), {message: /no ready banner/});
});

test('qemu forwards SSH from loopback only, with virtio devices matching the machine type', (t) => {
  const launch = {
    name: 'x', accel: 'tcg' as const, machine: 'q35' as const, memoryMiB: 512, cpus: 2, vmlinux: '/i/vmlinux', initrd: '/v/initrd.img',
    cmdline: 'console=ttyS0', disk: '/v/disk.qcow2', sshPort: 40022, serialLog: '/v/serial.log', pidfile: '/v/qemu.pid',
  };
  const args = qemuArgs(launch);
  t.true(args.includes('user,id=net0,ipv6=off,hostfwd=tcp:127.0.0.1:40022-:22'));
  t.true(args.includes('virtio-blk-pci,drive=root'));
  t.true(args.includes('virtio-rng-pci'));
  t.false(args.includes('-cpu'));
  const micro = qemuArgs({...launch, machine: 'microvm', accel: 'kvm'});
  t.true(micro.includes('virtio-net-device,netdev=net0'));
  t.deepEqual(micro.slice(micro.indexOf('-cpu'), micro.indexOf('-cpu') + 2), ['-cpu', 'host']);
});
