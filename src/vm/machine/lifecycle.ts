/**
 * Starting, finding, stopping and destroying lab VMs. Each VM is a folder (copy-on-write disk over the shared base
 * image, its keys, its initramfs, logs, vm.json) and a detached qemu process that outlives the command that
 * started it.
 */
import {mkdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';
import {run} from '../../debian-images/support/exec.js';
import {detectAccelerator} from '../accelerator.js';
import type {VmImage} from '../build/index.js';
import {SshConnection} from '../ssh/connection.js';
import {generateClientKey, generateHostKey, parsePublicKeyLine} from '../ssh/keys.js';
import {type VmSecrets, writeVmInitrd} from './initrd.js';
import {freeLoopbackPort} from './port.js';
import {qemuArgs} from './qemu-args.js';
import {checkFingerprint, QEMU, recordReady, spawnQemu} from './qemu-process.js';
import {resumeVm} from './resume.js';
import {ensureWarmState, type WarmState} from './warm-state.js';
import {checkVmName, isVmQemu, listVmRecords, readVmRecord, vmDir, vmFiles, type VmRecord, vmState, type VmState, writeVmRecord} from '../record.js';
import {SerialTimeoutError, waitForBanner} from './serial.js';

/** Emulated boots take seconds; a loaded CI machine can take many times longer. */
const BOOT_TIMEOUT_MS = 180_000;
/**
 * The kernel reaches the initramfs in a few seconds even on a busy machine; rarely an emulated boot stalls before
 * that for minutes, and a fresh qemu is quicker than waiting it out.
 */
const KERNEL_TIMEOUT_MS = 60_000;
const ENGINE_TIMEOUT_MS = 180_000;

export interface StartVmOptions {
  workdir?: string;
  onProgress?: (message: string) => void;
  /** Also wait for the engine's banner (default true); SSH works before it. */
  waitForEngine?: boolean;
  /** Image to boot a new VM from; default: build (or take from the cache) the current one. */
  image?: VmImage;
  /** A new VM resumes from the image's warm state when it has one; false boots it (default: LAB_VM_RESUME=off boots). */
  resume?: boolean;
  bootTimeoutMs?: number;
}

export interface StartedVm {
  record: VmRecord;
  /** False when the VM was already running. */
  booted: boolean;
  engine: 'ready' | 'failed' | 'not waited';
}

function log(opts: StartVmOptions, message: string): void {
  opts.onProgress?.(message);
}

async function tailOf(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * Creates the folder of a new VM: keys, its own initramfs, and the overlay disk backed by the image (or by its
 * warm state's disk, for a VM that resumes from it). The secrets are kept for a resume's seed.
 */
async function createVm(name: string, image: VmImage, workdir: string, backing?: string): Promise<{record: VmRecord; secrets: VmSecrets}> {
  const dir = vmDir(name);
  const files = vmFiles(dir);
  await mkdir(dir, {recursive: true, mode: 0o700});
  const client = generateClientKey(`lab-vm-${name}`);
  const host = generateHostKey();
  await writeFile(files.clientKey, client.privateKey, {mode: 0o600});
  await writeFile(files.clientPub, `${client.publicKey}\n`, {mode: 0o644});
  const secrets: VmSecrets = {dropbearHostKey: host.dropbear, fingerprint: host.fingerprint, authorizedKeys: client.publicKey, hostname: name};
  await writeVmInitrd(image.initramfs, files.initrd, secrets);
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', backing ?? image.base, '-F', 'qcow2', files.disk]);
  const record: VmRecord = {
    name,
    dir,
    status: 'stopped',
    accel: detectAccelerator().accel,
    workdir,
    image: {
      key: image.key,
      dir: image.dir,
      vmlinux: image.vmlinux,
      initramfs: image.initramfs,
      base: image.base,
      cmdline: image.cmdline,
      memoryMiB: image.machine.memoryMiB,
      cpus: image.machine.cpus,
      machine: image.machine.type,
    },
    ...(backing ? {backing} : {}),
    hostKey: host.line,
    hostKeyFingerprint: host.fingerprint,
    createdAt: new Date().toISOString(),
  };
  await writeVmRecord(record);
  return {record, secrets};
}

/**
 * A new VM from the image's warm state; when qemu cannot resume it (a state made by another qemu build, a
 * damaged file), the VM boots instead, on a disk over the image's own base.
 */
async function resumeOrBoot(record: VmRecord, secrets: VmSecrets, warm: WarmState, opts: StartVmOptions): Promise<VmRecord> {
  try {
    return await resumeVm(record, warm, secrets, {timeoutMs: opts.bootTimeoutMs ?? BOOT_TIMEOUT_MS, log: (m) => log(opts, m)});
  } catch (error) {
    log(opts, `${record.name} could not resume from the saved VM (${(error as Error).message.split('\n')[0]}); booting it instead`);
    const files = vmFiles(record.dir);
    await rm(files.disk, {force: true});
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', record.image.base, '-F', 'qcow2', files.disk]);
    const booted: VmRecord = {...record, status: 'stopped'};
    delete booted.backing;
    delete booted.pid;
    await writeVmRecord(booted);
    return boot(booted, opts);
  }
}

/** Starts qemu for an existing VM folder and waits for the guest's READY banner. */
async function boot(record: VmRecord, opts: StartVmOptions): Promise<VmRecord> {
  const files = vmFiles(record.dir);
  const accel = detectAccelerator();
  log(opts, `booting ${record.name} (${accel.accel}: ${accel.reason})`);
  for (let attempt = 1; ; attempt++) {
    const sshPort = await freeLoopbackPort();
    await rm(files.serialLog, {force: true});
    await rm(files.pidfile, {force: true});
    const args = qemuArgs({
      name: record.name,
      accel: accel.accel,
      machine: record.image.machine,
      memoryMiB: record.image.memoryMiB,
      cpus: record.image.cpus,
      vmlinux: record.image.vmlinux,
      initrd: files.initrd,
      cmdline: record.image.cmdline,
      disk: files.disk,
      sshPort,
      serialLog: files.serialLog,
      pidfile: files.pidfile,
    });
    const started = performance.now();
    const {child, spawnError} = spawnQemu(args, files.qemuLog, true);
    const pid = child.pid;
    record = {...record, status: 'starting', pid, sshPort, accel: accel.accel, startedAt: new Date().toISOString()};
    delete record.readyMs;
    delete record.engineReadyMs;
    await writeVmRecord(record);
    const watch = {
      isAlive: async () => spawnError() === undefined && (await isVmQemu(pid, record.dir)),
      describeExit: async () => (spawnError() ? `cannot run ${QEMU}: ${spawnError()!.message} (apt-get install qemu-system-x86)` : await tailOf(files.qemuLog)),
    };
    const timeoutMs = opts.bootTimeoutMs ?? BOOT_TIMEOUT_MS;
    let stalled = false;
    try {
      await waitForBanner(files.serialLog, ['init', 'ready'], {...watch, timeoutMs: Math.min(KERNEL_TIMEOUT_MS, timeoutMs)}).catch((error: Error) => {
        stalled = error instanceof SerialTimeoutError;
        throw error;
      });
      const banner = await waitForBanner(files.serialLog, ['ready'], {...watch, timeoutMs: timeoutMs - (performance.now() - started)});
      checkFingerprint(record, banner, 'the VM');
      record = await recordReady(record, sshPort, Math.round(performance.now() - started));
      log(opts, `${record.name} is up in ${(record.readyMs! / 1000).toFixed(1)}s (ssh on 127.0.0.1:${sshPort})`);
      return record;
    } catch (error) {
      await killQemu(record);
      const qemuLog = await tailOf(files.qemuLog);
      // Another program may take the port between our check and qemu's bind; pick another.
      if (attempt < 3 && /host forwarding rule|Address already in use/i.test(qemuLog)) continue;
      if (attempt < 3 && stalled) {
        log(opts, `the kernel of ${record.name} did not come up within ${KERNEL_TIMEOUT_MS / 1000}s; starting qemu again`);
        continue;
      }
      record = {...record, status: 'stopped'};
      delete record.pid;
      await writeVmRecord(record);
      throw error;
    }
  }
}

export async function startVm(name: string, opts: StartVmOptions = {}): Promise<StartedVm> {
  checkVmName(name);
  let record = await readVmRecord(name);
  let booted = false;
  const state = record ? await vmState(record) : undefined;
  if (record && state === 'starting') {
    // Another command's boot, possibly interrupted after qemu started: its qemu runs on, so wait for it.
    log(opts, `VM ${name} is booting (qemu ${record.pid}); waiting for it`);
    await waitForReady(record, opts.bootTimeoutMs ?? BOOT_TIMEOUT_MS);
    record = {...record, status: 'running'};
    await writeVmRecord(record);
  } else if (record && state === 'stale') {
    log(opts, `VM ${name} was left by a crash (qemu ${record.pid} is gone); removing it`);
    await destroyVm(name);
    record = undefined;
  } else if (record && state === 'stopped' && !(await stat(record.backing ?? record.image.base).then(() => true, () => false))) {
    throw new Error(`VM ${name} is stopped, and the image its disk is based on is gone (${record.backing ?? record.image.base}); destroy it with: lab vm destroy ${name}`);
  }
  if (!record) {
    const image =
      opts.image ??
      (await (await import('../build/index.js')).buildVmImage({onProgress: (p) => log(opts, `${p.step}: ${p.message}`)}));
    const resume = opts.resume ?? process.env.LAB_VM_RESUME !== 'off';
    const warm = resume ? await ensureWarmState(image, (m) => log(opts, m)) : undefined;
    const created = await createVm(name, image, opts.workdir ?? '/root', warm?.disk);
    if (warm) {
      record = await resumeOrBoot(created.record, created.secrets, warm, opts);
      booted = true;
    } else record = created.record;
  }
  if (!booted && (record.status === 'stopped' || state === 'stopped')) {
    record = await boot(record, opts);
    booted = true;
  }
  const engine = opts.waitForEngine !== false ? await awaitVmEngine(record, booted) : 'not waited';
  return {record, booted, engine};
}

/** Waits for the engine's banner of the current boot; a boot's engine time goes into the record. */
export async function awaitVmEngine(record: VmRecord, booted: boolean): Promise<'ready' | 'failed'> {
  const engine = await waitForEngine(record);
  if (booted) await writeVmRecord({...record, engineReadyMs: Date.now() - Date.parse(record.startedAt!)});
  return engine;
}

async function waitForReady(record: VmRecord, timeoutMs: number): Promise<void> {
  const files = vmFiles(record.dir);
  await waitForBanner(files.serialLog, ['ready'], {timeoutMs, isAlive: () => isVmQemu(record.pid, record.dir), describeExit: () => tailOf(files.qemuLog)});
}

/** The engine's banner of the current boot (already there, or awaited). */
async function waitForEngine(record: VmRecord): Promise<'ready' | 'failed'> {
  const files = vmFiles(record.dir);
  const banner = await waitForBanner(files.serialLog, ['engine-ready', 'engine-failed'], {
    timeoutMs: ENGINE_TIMEOUT_MS,
    isAlive: () => isVmQemu(record.pid, record.dir),
    describeExit: () => tailOf(files.qemuLog),
  });
  return banner.kind === 'engine-ready' ? 'ready' : 'failed';
}

/** Opens the SSH connection to a running VM, pinned to the host key generated for it. */
export async function connectVm(record: VmRecord): Promise<SshConnection> {
  if (!record.sshPort) throw new Error(`VM ${record.name} has no SSH port recorded`);
  try {
    return await SshConnection.connect({
      host: '127.0.0.1',
      port: record.sshPort,
      username: 'root',
      privateKey: await readFile(vmFiles(record.dir).clientKey),
      hostKey: {blobs: [parsePublicKeyLine(record.hostKey)]},
    });
  } catch (error) {
    const lockup = await kernelLockup(record);
    if (!lockup) throw error;
    throw new Error(`VM ${record.name} does not answer: its kernel reports "${lockup}". Power it off and on again (lab stop, then lab ssh; the disk is kept).`);
  }
}

/** The guest kernel's last soft lockup or hung-task report on the serial console, if it has one. */
async function kernelLockup(record: VmRecord): Promise<string | undefined> {
  const log = await readFile(vmFiles(record.dir).serialLog, 'utf8').catch(() => '');
  const lines = log.split('\n').filter((l) => /soft lockup|blocked for more than|rcu_sched detected stalls/.test(l));
  return lines.pop()?.replace(/^\[[\s\d.]+\]\s*/, '').trim();
}

async function waitGone(record: VmRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isVmQemu(record.pid, record.dir)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

async function killQemu(record: VmRecord): Promise<void> {
  if (!(await isVmQemu(record.pid, record.dir))) return;
  process.kill(record.pid!, 'SIGKILL');
  if (!(await waitGone(record, 10_000))) throw new Error(`qemu ${record.pid} of VM ${record.name} did not exit after SIGKILL`);
}

/**
 * Powers the VM off from inside (init stops the engine and flushes the disk), so its disk can boot again; falls
 * back to SIGTERM, then SIGKILL, if the guest does not answer.
 */
export async function stopVm(name: string, opts: {timeoutMs?: number} = {}): Promise<'stopped' | 'was not running'> {
  const record = await readVmRecord(name);
  if (!record) throw new Error(`no VM named ${name}`);
  const state = await vmState(record);
  if (state === 'running' || state === 'starting') {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    let asked = false;
    let connection: SshConnection | undefined;
    if (state === 'running') {
      try {
        connection = await connectVm(record);
        // busybox init powers off on SIGUSR2. The session dies with the guest, so its end is not awaited.
        (await connection.exec('kill -USR2 1')).end();
        asked = true;
      } catch {
        // Unreachable guest: fall through to signals.
      }
    }
    const gone = asked && (await waitGone(record, timeoutMs));
    await connection?.close();
    if (!gone) {
      if (await isVmQemu(record.pid, record.dir)) process.kill(record.pid!, 'SIGTERM');
      if (!(await waitGone(record, 5_000))) await killQemu(record);
    }
  }
  const stopped: VmRecord = {...record, status: 'stopped'};
  delete stopped.pid;
  delete stopped.sshPort;
  await writeVmRecord(stopped);
  return state === 'stopped' || state === 'stale' ? 'was not running' : 'stopped';
}

/** Kills qemu (the disk is thrown away, so no clean shutdown is needed) and deletes the VM's folder. */
export async function destroyVm(name: string): Promise<boolean> {
  const dir = vmDir(name);
  const record = await readVmRecord(name);
  if (record) await killQemu(record);
  const existed = await stat(dir).then(() => true, () => false);
  await rm(dir, {recursive: true, force: true});
  return existed;
}

export interface VmListing {
  record: VmRecord;
  state: VmState;
  /** Bytes the VM's own overlay takes on disk. */
  diskBytes: number;
}

export async function listVms(): Promise<VmListing[]> {
  const out: VmListing[] = [];
  for (const record of await listVmRecords()) {
    const diskBytes = await stat(vmFiles(record.dir).disk).then((s) => s.blocks * 512, () => 0);
    out.push({record, state: await vmState(record), diskBytes});
  }
  return out;
}
