/**
 * What this machine remembers of each lab VM it runs through libvirt, in <state>/lab/libvirt-vms/<name>/: vm.json
 * (the host it was placed on, its domain and volumes, the SSH port forward, the pinned host key) and the client
 * key the grader logs in with. The domain itself lives on the libvirt host; this is how to find it again.
 */
import {mkdir, readdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {vmStateDir} from '../paths.js';
import {checkVmName} from '../record.js';
import type {LibvirtHost} from './hosts.js';

export interface LibvirtVmRecord {
  name: string;
  dir: string;
  domain: string;
  host: LibvirtHost;
  sshPort: number;
  /** The guest's SSH host key ("ssh-ed25519 AAAA...") and its fingerprint, pinned. */
  hostKey: string;
  hostKeyFingerprint: string;
  imageKey: string;
  volumes: {disk: string; initrd: string};
  workdir: string;
  memoryMiB: number;
  cpus: number;
  /** Public keys besides the grader's that may log in (the student's, from the roster). */
  authorizedKeys: string[];
  /** The roster id of the student whose VM it is. */
  student?: string;
  createdAt: string;
  startedAt?: string;
  /** `virsh start` → SSH answers with the pinned key, and → the engine answers (ms), of the last boot. */
  readyMs?: number;
  engineReadyMs?: number;
}

export function libvirtStateDir(): string {
  return join(dirname(vmStateDir()), 'libvirt-vms');
}

export function libvirtVmDir(name: string, stateDir = libvirtStateDir()): string {
  return join(stateDir, checkVmName(name));
}

export function libvirtVmFiles(dir: string) {
  return {record: join(dir, 'vm.json'), clientKey: join(dir, 'id_ed25519'), clientPub: join(dir, 'id_ed25519.pub'), initrd: join(dir, 'initrd.img'), knownHosts: join(dir, 'known_hosts')};
}

export async function readLibvirtRecord(name: string, stateDir = libvirtStateDir()): Promise<LibvirtVmRecord | undefined> {
  try {
    return JSON.parse(await readFile(libvirtVmFiles(libvirtVmDir(name, stateDir)).record, 'utf8')) as LibvirtVmRecord;
  } catch {
    return undefined;
  }
}

export async function writeLibvirtRecord(record: LibvirtVmRecord): Promise<void> {
  await mkdir(record.dir, {recursive: true, mode: 0o700});
  const file = libvirtVmFiles(record.dir).record;
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`, {mode: 0o600});
  await rename(tmp, file);
}

export async function removeLibvirtRecord(name: string, stateDir = libvirtStateDir()): Promise<void> {
  await rm(libvirtVmDir(name, stateDir), {recursive: true, force: true});
}

export async function listLibvirtRecords(stateDir = libvirtStateDir()): Promise<LibvirtVmRecord[]> {
  const out: LibvirtVmRecord[] = [];
  for (const name of (await readdir(stateDir).catch(() => [] as string[])).sort()) {
    const record = await readLibvirtRecord(name, stateDir).catch(() => undefined);
    if (record) out.push(record);
  }
  return out;
}
