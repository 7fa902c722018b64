/**
 * The host's side of resuming a VM from the warm state, without a VM: what qemu is told, what the seed disk
 * holds (read back with the guest's own cpio), and the engine's kernel-backed random IDs.
 */
import {execFileSync} from 'node:child_process';
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {randomBytes, randomInt, randomUUID} from '../../src/engine/util/random.js';
import {qemuArgs} from '../../src/vm/machine/qemu-args.js';
import {SEED_BYTES, seedImage, writeBlankSeed, writeSeed} from '../../src/vm/machine/seed.js';
import {parseBanners} from '../../src/vm/machine/serial.js';

const launch = {
  name: 'x', accel: 'tcg' as const, machine: 'q35' as const, memoryMiB: 512, cpus: 2, vmlinux: '/i/vmlinux', initrd: '/v/initrd.img',
  cmdline: 'console=ttyS0', disk: '/v/disk.qcow2', sshPort: 40022, serialLog: '/v/serial.log', pidfile: '/v/qemu.pid',
};
const secrets = {dropbearHostKey: Buffer.from('host-key'), fingerprint: 'SHA256:abc', authorizedKeys: 'ssh-ed25519 AAAA me', hostname: 'lab26'};

test('a saving boot and a resume get the same devices; only the resume loads a saved machine', (t) => {
  const saving = qemuArgs({...launch, warm: {seed: '/v/seed.img', qmp: '/v/qmp.sock'}});
  const resuming = qemuArgs({...launch, warm: {seed: '/v/seed.img', qmp: '/v/qmp.sock', incoming: "exec:zstd -dc '/w/memory.zst'"}});
  t.true(saving.includes('id=seed,file=/v/seed.img,format=raw,if=none,readonly=on'));
  t.true(saving.includes('vmgenid,guid=auto'), 'a new generation ID at each resume reseeds the guest kernel');
  t.true(saving.includes('unix:/v/qmp.sock,server=on,wait=off'));
  t.false(saving.includes('-incoming'));
  t.deepEqual(resuming.slice(resuming.indexOf('-incoming'), resuming.indexOf('-incoming') + 2), ['-incoming', "exec:zstd -dc '/w/memory.zst'"]);
  t.deepEqual(resuming.filter((a, i) => resuming[i - 1] !== '-incoming' && a !== '-incoming'), saving);
  t.false(qemuArgs(launch).includes('vmgenid,guid=auto'), 'a plain boot has none of it');
});

test('the seed holds the identity as the initramfs lays it out, the next whole second and the wait for it', async (t) => {
  const now = Date.UTC(2026, 11, 7, 19, 30, 0, 250);
  const image = seedImage(secrets, now);
  t.true(image.subarray(0, 6).equals(Buffer.from('070701')), 'starts with the cpio magic the guest polls for');
  const dir = await mkdtemp(join(tmpdir(), 'lab-seed-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  // The guest's own tools: busybox cpio reading the disk padded with zeros.
  const disk = join(dir, 'seed.img');
  await writeBlankSeed(disk);
  t.is((await stat(disk)).size, SEED_BYTES);
  await writeSeed(disk, secrets);
  t.is((await stat(disk)).size, SEED_BYTES, 'written in place, the disk keeps its size');
  execFileSync('sh', ['-c', `busybox cpio -i -d -m < ${disk} 2>/dev/null`], {cwd: dir});
  t.is(await readFile(join(dir, 'vm/root/etc/hostname'), 'utf8'), 'lab26\n');
  t.is(await readFile(join(dir, 'vm/root/root/.ssh/authorized_keys'), 'utf8'), 'ssh-ed25519 AAAA me\n');
  t.is(await readFile(join(dir, 'vm/root/etc/dropbear/fingerprint'), 'utf8'), 'SHA256:abc\n');
  t.is((await readFile(join(dir, 'vm/entropy'))).length, 64);
  const [seconds, waitUs] = (await readFile(join(dir, 'vm/clock'), 'utf8')).trim().split(' ').map(Number);
  t.true(Math.abs(seconds! * 1000 - Date.now()) < 5000, 'the clock is the host\'s when written');
  const [fixedSeconds, fixedWait] = seedImage(secrets, now).toString('latin1').match(/(\d{10}) (\d+)\n/)!.slice(1).map(Number);
  t.is(fixedSeconds, Math.floor(now / 1000) + 1);
  t.is(fixedWait, 750_000, '250 ms into the second: 750 ms to wait for the next');
  t.true(waitUs! > 0 && waitUs! <= 1_000_000);
});

test('the guest\'s WARM-READY banner is read like the others', (t) => {
  t.deepEqual(parseBanners('LAB-VM-ENGINE-READY up=12.5\nLAB-VM-WARM-READY\n').map((b) => b.kind), ['engine-ready', 'warm-ready']);
});

test('the engine\'s random IDs come from the kernel: sized, spread, and UUIDs of version 4', (t) => {
  t.is(randomBytes(32).length, 32);
  t.not(randomBytes(16).toString('hex'), randomBytes(16).toString('hex'));
  const counts = new Array<number>(5).fill(0);
  for (let i = 0; i < 5000; i++) counts[randomInt(5)]!++;
  t.true(counts.every((c) => c > 800 && c < 1200), `every value comes about as often: ${counts.join(' ')}`);
  t.regex(randomUUID(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
