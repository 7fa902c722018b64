/**
 * What the host remembers about each VM, in <state>/lab/vms/<name>/vm.json: how it was started (qemu's pid, the
 * SSH port, the image it runs), so a later command can find it, and a crashed one can be told from a live one.
 */
import {readdir, readFile, rename, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {vmStateDir} from './paths.js';

export interface VmRecord {
  name: string;
  dir: string;
  /** What the last command did; whether qemu still runs is checked separately (vmState). */
  status: 'starting' | 'running' | 'stopped';
  pid?: number;
  sshPort?: number;
  accel: 'kvm' | 'tcg';
  workdir: string;
  image: {key: string; dir: string; vmlinux: string; initramfs: string; base: string; cmdline: string; memoryMiB: number; cpus: number; machine: 'q35' | 'microvm' | 'pc'};
  /** The disk its overlay is based on, when not the image's base: the image's warm state (see warm-state.ts). */
  backing?: string;
  /** Its first start resumed the image's saved running VM instead of booting. */
  resumed?: boolean;
  /** The guest's SSH host key, pinned ("ssh-ed25519 AAAA...") and its fingerprint. */
  hostKey: string;
  hostKeyFingerprint: string;
  createdAt: string;
  startedAt?: string;
  /** qemu start → the READY banner, and → the engine's banner (ms) of the last boot. */
  readyMs?: number;
  engineReadyMs?: number;
}

export type VmState = 'running' | 'starting' | 'stopped' | 'stale';

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function checkVmName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid VM name ${JSON.stringify(name)}: use lowercase letters, digits, . _ - (at most 63, starting with a letter or digit)`);
  return name;
}

export function vmDir(name: string, stateDir = vmStateDir()): string {
  return join(stateDir, checkVmName(name));
}

export function vmFiles(dir: string) {
  return {
    record: join(dir, 'vm.json'),
    disk: join(dir, 'disk.qcow2'),
    initrd: join(dir, 'initrd.img'),
    serialLog: join(dir, 'serial.log'),
    qemuLog: join(dir, 'qemu.log'),
    pidfile: join(dir, 'qemu.pid'),
    clientKey: join(dir, 'id_ed25519'),
    clientPub: join(dir, 'id_ed25519.pub'),
    knownHosts: join(dir, 'known_hosts'),
  };
}

export async function readVmRecord(name: string, stateDir = vmStateDir()): Promise<VmRecord | undefined> {
  try {
    return JSON.parse(await readFile(vmFiles(vmDir(name, stateDir)).record, 'utf8')) as VmRecord;
  } catch {
    return undefined;
  }
}

export async function writeVmRecord(record: VmRecord): Promise<void> {
  const file = vmFiles(record.dir).record;
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`, {mode: 0o600});
  await rename(tmp, file);
}

export async function listVmRecords(stateDir = vmStateDir()): Promise<VmRecord[]> {
  const records: VmRecord[] = [];
  for (const name of (await readdir(stateDir).catch(() => [] as string[])).sort()) {
    if (!NAME.test(name)) continue;
    const record = await readVmRecord(name, stateDir);
    if (record) records.push(record);
  }
  return records;
}

/**
 * Whether pid is this VM's qemu: alive, a qemu-system binary, and started on this VM's folder. The last check
 * keeps a recycled pid (some other process, or another VM's qemu) from passing for it.
 */
export async function isVmQemu(pid: number | undefined, dir: string): Promise<boolean> {
  if (!pid || pid <= 0) return false;
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return /qemu-system/.test(argv[0] ?? '') && argv.some((a) => a.includes(`${dir}/`));
  } catch {
    return false;
  }
}

/**
 * running/starting while its qemu lives; stopped after `lab vm stop` or a poweroff inside the guest (its shutdown
 * script leaves a mark on the console); stale when qemu vanished otherwise: killed, crashed, host rebooted.
 */
export async function vmState(record: VmRecord): Promise<VmState> {
  if (record.status === 'stopped') return 'stopped';
  if (await isVmQemu(record.pid, record.dir)) return record.status;
  const serial = await readFile(vmFiles(record.dir).serialLog, 'utf8').catch(() => '');
  return serial.includes('LAB-VM-POWEROFF') ? 'stopped' : 'stale';
}
