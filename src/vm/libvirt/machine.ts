/**
 * Lab VMs as libvirt domains: created on a chosen host (the image uploaded there once, a disk and an initramfs
 * of its own per VM), started, waited for (SSH answers with the host key generated for it, then the engine), and
 * stopped or destroyed without leaving a domain or a volume behind. The keys, the initramfs with the guest's
 * secrets and the readiness checks are the qemu provider's own.
 */
import {readFile, writeFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';
import type {VmImage} from '../build/index.js';
import {writeVmInitrd} from '../machine/initrd.js';
import {HostKeyError, SshConnection} from '../ssh/connection.js';
import {SshEnvironment} from '../ssh/environment.js';
import {generateClientKey, generateHostKey, parsePublicKeyLine} from '../ssh/keys.js';
import {hostToken} from '../ssh/known-hosts.js';
import {domainXml, sshPortOf} from './domain-xml.js';
import type {LibvirtHost} from './hosts.js';
import {type LibvirtVmRecord, libvirtVmDir, libvirtVmFiles, readLibvirtRecord, removeLibvirtRecord, writeLibvirtRecord} from './record.js';
import {createDiskVolume, deleteVolume, ensureImageVolumes, uploadVolume, volumePath} from './storage.js';
import {domainState, isMissing, virsh, VirshError} from './virsh.js';

const BOOT_TIMEOUT_MS = 240_000;
/** The engine (node) starts slowly under emulation, and much more slowly on a host busy with other VMs. */
const ENGINE_TIMEOUT_MS = 600_000;
const POLL_MS = 1_000;

export interface StartLibvirtVmOptions {
  host: LibvirtHost;
  image: VmImage;
  workdir?: string;
  memoryMiB?: number;
  cpus?: number;
  /** More public keys allowed to log in as root (the student's). */
  authorizedKeys?: string[];
  student?: string;
  waitForEngine?: boolean;
  onProgress?: (message: string) => void;
  bootTimeoutMs?: number;
}

export interface StartedLibvirtVm {
  record: LibvirtVmRecord;
  booted: boolean;
  engine: 'ready' | 'failed' | 'not waited';
}

export const domainName = (name: string) => `lab-${name}`;

/** Ports this process handed out moments ago, per host, before their domains exist. */
const reserved = new Map<string, Set<number>>();

/** The SSH forwards of the lab's domains on the host (other teachers' classes included). */
async function portsInUse(host: LibvirtHost): Promise<Set<number>> {
  const used = new Set<number>(reserved.get(host.uri) ?? []);
  const names = (await virsh(host.uri, ['list', '--all', '--name'])).split('\n').map((n) => n.trim()).filter((n) => n.startsWith('lab-'));
  for (const name of names) {
    const xml = await virsh(host.uri, ['dumpxml', name]).catch(() => '');
    const port = sshPortOf(xml);
    if (port) used.add(port);
  }
  return used;
}

async function reservePort(host: LibvirtHost, avoid: Set<number>): Promise<number> {
  const used = await portsInUse(host);
  // Start at a random place in the range so two teachers' commands seldom reach for the same port.
  const span = host.ports.to - host.ports.from + 1;
  const offset = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = host.ports.from + ((offset + i) % span);
    if (used.has(port) || avoid.has(port)) continue;
    if (!reserved.has(host.uri)) reserved.set(host.uri, new Set());
    reserved.get(host.uri)!.add(port);
    return port;
  }
  throw new Error(`${host.name}: every SSH port of ${host.ports.from}-${host.ports.to} is taken by a lab VM; widen "ports" in the hosts file`);
}

function release(host: LibvirtHost, port: number): void {
  reserved.get(host.uri)?.delete(port);
}

async function defineDomain(record: LibvirtVmRecord, image: VmImage, kernel: string, initrd: string, disk: string): Promise<void> {
  const xml = domainXml({
    domain: record.domain,
    machine: image.machine.type,
    memoryMiB: record.memoryMiB,
    cpus: record.cpus,
    kernel,
    initrd,
    disk,
    cmdline: image.cmdline,
    listen: record.host.listen,
    sshPort: record.sshPort,
    description: `lab VM ${record.name}${record.student ? ` of ${record.student}` : ''}`,
  });
  const file = `${record.dir}/domain.xml`;
  await writeFile(file, xml, {mode: 0o600});
  await virsh(record.host.uri, ['define', file]);
}

/** Makes the VM on its host: keys, the initramfs with its secrets, the disk over the image, the domain. */
async function createVm(name: string, opts: StartLibvirtVmOptions): Promise<LibvirtVmRecord> {
  const {host, image} = opts;
  const dir = libvirtVmDir(name);
  const files = libvirtVmFiles(dir);
  const client = generateClientKey(`lab-vm-${name}`);
  const hostKey = generateHostKey();
  const record: LibvirtVmRecord = {
    name,
    dir,
    domain: domainName(name),
    host,
    sshPort: 0,
    hostKey: hostKey.line,
    hostKeyFingerprint: hostKey.fingerprint,
    imageKey: image.key,
    volumes: {disk: `${domainName(name)}.qcow2`, initrd: `${domainName(name)}-initrd.img`},
    workdir: opts.workdir ?? '/root',
    memoryMiB: opts.memoryMiB ?? image.machine.memoryMiB,
    cpus: opts.cpus ?? image.machine.cpus,
    authorizedKeys: opts.authorizedKeys ?? [],
    ...(opts.student !== undefined ? {student: opts.student} : {}),
    createdAt: new Date().toISOString(),
  };
  await writeLibvirtRecord(record);
  await writeFile(files.clientKey, client.privateKey, {mode: 0o600});
  await writeFile(files.clientPub, `${client.publicKey}\n`, {mode: 0o644});
  const authorized = [client.publicKey, ...record.authorizedKeys].join('\n');
  await writeVmInitrd(image.initramfs, files.initrd, {dropbearHostKey: hostKey.dropbear, fingerprint: hostKey.fingerprint, authorizedKeys: authorized, hostname: name});
  const volumes = await ensureImageVolumes(host.uri, host.pool, image, opts.onProgress);
  for (const volume of Object.values(record.volumes)) await deleteVolume(host.uri, host.pool.name, volume);
  const initrd = await uploadVolume(host.uri, host.pool.name, record.volumes.initrd, files.initrd);
  const disk = await createDiskVolume(host.uri, host.pool.name, record.volumes.disk, volumes, image.sizes.virtualMiB);
  record.sshPort = await reservePort(host, new Set());
  await defineDomain(record, image, volumes.kernel, initrd, disk);
  await writeLibvirtRecord(record);
  return record;
}

/** `virsh start`; a forward port another program took meanwhile gets the domain redefined on another port. */
async function bootDomain(record: LibvirtVmRecord, image: VmImage | undefined): Promise<LibvirtVmRecord> {
  const tried = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    try {
      await virsh(record.host.uri, ['start', record.domain]);
      return {...record, startedAt: new Date().toISOString()};
    } catch (error) {
      const bindFailed = error instanceof VirshError && /host forwarding rule|Address already in use/i.test(error.stderr);
      if (!bindFailed || attempt >= 3 || !image) throw error;
      tried.add(record.sshPort);
      release(record.host, record.sshPort);
      const port = await reservePort(record.host, tried);
      const {uri, pool} = record.host;
      const kernel = (await volumePath(uri, pool.name, `lab-image-${image.key.slice(0, 16)}-vmlinux`))!;
      record = {...record, sshPort: port};
      await defineDomain(record, image, kernel, (await volumePath(uri, pool.name, record.volumes.initrd))!, (await volumePath(uri, pool.name, record.volumes.disk))!);
      await writeLibvirtRecord(record);
    }
  }
}

/** Opens the SSH connection to a running VM, pinned to the host key generated for it. */
export async function connectLibvirtVm(record: LibvirtVmRecord, readyTimeoutMs = 20_000): Promise<SshConnection> {
  return SshConnection.connect({
    host: record.host.address,
    port: record.sshPort,
    username: 'root',
    privateKey: await readFile(libvirtVmFiles(record.dir).clientKey),
    hostKey: {blobs: [parsePublicKeyLine(record.hostKey)]},
    readyTimeoutMs,
  });
}

/**
 * Waits until SSH answers with the pinned key. The forward accepts connections before the guest listens, so this
 * knocks once a second; a domain that stops meanwhile, or a wrong host key, ends the wait at once.
 */
async function waitForSsh(record: LibvirtVmRecord, timeoutMs: number): Promise<SshConnection> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const state = await domainState(record.host.uri, record.domain);
    if (state !== 'running') throw new Error(`VM ${record.name} on ${record.host.name} is ${state ?? 'gone'} before SSH answered${last ? ` (last try: ${last})` : ''}`);
    try {
      return await connectLibvirtVm(record, 15_000);
    } catch (error) {
      if (error instanceof HostKeyError) throw error;
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`VM ${record.name} on ${record.host.name}: SSH on ${record.host.address}:${record.sshPort} did not answer within ${Math.round(timeoutMs / 1000)}s (last try: ${last})`);
    await sleep(POLL_MS);
  }
}

/**
 * The guest reports the engine on its serial console, which stays on the libvirt host; over SSH the same fact is
 * whether the engine answers, and whether its starter still runs.
 */
const ENGINE_PROBE = [
  'if docker version >/dev/null 2>&1; then echo ready; exit; fi',
  'if pgrep -f engine-service.mjs >/dev/null; then echo starting; exit; fi',
  // The starter may have finished between the two looks.
  'if docker version >/dev/null 2>&1; then echo ready; else echo failed; fi',
].join('\n');

async function waitForEngine(env: SshEnvironment, timeoutMs: number): Promise<'ready' | 'failed'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await env.exec(['sh', '-c', ENGINE_PROBE], {timeoutMs: 60_000});
    const answer = r.stdout.trim();
    if (answer === 'ready' || answer === 'failed') return answer;
    if (Date.now() > deadline) return 'failed';
    await sleep(2 * POLL_MS);
  }
}

async function awaitReady(record: LibvirtVmRecord, opts: StartLibvirtVmOptions, booted: boolean): Promise<StartedLibvirtVm> {
  const started = record.startedAt ? Date.parse(record.startedAt) : Date.now();
  const connection = await waitForSsh(record, opts.bootTimeoutMs ?? BOOT_TIMEOUT_MS);
  const env = new SshEnvironment({provider: 'libvirt', id: record.name, workdir: record.workdir, connection});
  try {
    if (booted) record = {...record, readyMs: Date.now() - started};
    await writeFile(libvirtVmFiles(record.dir).knownHosts, `${hostToken(record.host.address, record.sshPort)} ${record.hostKey}\n`, {mode: 0o644});
    opts.onProgress?.(`${record.name} answers on ${record.host.name} (ssh ${record.host.address}:${record.sshPort})${booted ? ` after ${(record.readyMs! / 1000).toFixed(1)}s` : ''}`);
    let engine: StartedLibvirtVm['engine'] = 'not waited';
    if (opts.waitForEngine !== false) {
      engine = await waitForEngine(env, ENGINE_TIMEOUT_MS);
      if (booted && engine === 'ready') record = {...record, engineReadyMs: Date.now() - started};
    }
    await writeLibvirtRecord(record);
    return {record, booted, engine};
  } finally {
    await env.close();
  }
}

/** Creates the VM on `host` unless it exists (it stays where it was placed), boots it if off, waits until ready. */
export async function startLibvirtVm(name: string, opts: StartLibvirtVmOptions): Promise<StartedLibvirtVm> {
  let record = await readLibvirtRecord(name);
  let state = record ? await domainState(record.host.uri, record.domain) : undefined;
  if (record && state === undefined) {
    opts.onProgress?.(`VM ${name}: its domain is gone from ${record.host.name}; making it again`);
    await destroyLibvirtVm(name);
    record = undefined;
  }
  if (!record) {
    record = await createVm(name, opts);
    state = 'shut off';
  }
  let booted = false;
  if (state !== 'running') {
    try {
      record = await bootDomain(record, opts.image);
    } finally {
      release(record.host, record.sshPort);
    }
    await writeLibvirtRecord(record);
    booted = true;
  }
  return awaitReady(record, opts, booted);
}

/** Powers the guest off from inside (init flushes the disk), falling back to `virsh destroy`. */
export async function stopLibvirtVm(name: string, timeoutMs = 30_000): Promise<'stopped' | 'was not running'> {
  const record = await readLibvirtRecord(name);
  if (!record) throw new Error(`no libvirt VM named ${name}`);
  if ((await domainState(record.host.uri, record.domain)) !== 'running') return 'was not running';
  try {
    const connection = await connectLibvirtVm(record, 10_000);
    // busybox init powers off on SIGUSR2; the session dies with the guest, so its end is not awaited.
    (await connection.exec('kill -USR2 1')).end();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (await domainState(record.host.uri, record.domain)) === 'running') await sleep(500);
    await connection.close();
  } catch {
    // An unreachable guest is powered off from outside.
  }
  if ((await domainState(record.host.uri, record.domain)) === 'running') await virsh(record.host.uri, ['destroy', record.domain]);
  return 'stopped';
}

/** Ends the domain, undefines it, deletes its volumes and the record: nothing of the VM remains on either side. */
export async function destroyLibvirtVm(name: string): Promise<boolean> {
  const record = await readLibvirtRecord(name);
  if (!record) return false;
  const {uri, pool} = record.host;
  const state = await domainState(uri, record.domain);
  if (state === 'running' || state === 'paused') {
    await virsh(uri, ['destroy', record.domain]).catch((error) => {
      if (!isMissing(error)) throw error;
    });
  }
  if (state !== undefined) {
    await virsh(uri, ['undefine', record.domain]).catch((error) => {
      if (!isMissing(error)) throw error;
    });
  }
  for (const volume of Object.values(record.volumes)) await deleteVolume(uri, pool.name, volume);
  await removeLibvirtRecord(name);
  return true;
}

export interface LibvirtVmStatus {
  record: LibvirtVmRecord;
  /** virsh's word for the domain's state, or "missing". */
  state: string;
}

export async function libvirtVmStatus(record: LibvirtVmRecord): Promise<LibvirtVmStatus> {
  const state = await domainState(record.host.uri, record.domain).catch((error: Error) => `unknown (${error.message})`);
  return {record, state: state ?? 'missing'};
}
