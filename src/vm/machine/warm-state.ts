/**
 * The warm state of a VM image: the lab VM booted once with its engine and course registry running, then saved by
 * qemu (its memory, compressed, and its disk as an overlay on the image's base). A new lab VM resumes from it in
 * seconds instead of booting and starting node under emulation, then takes its own identity from its seed disk
 * (vm-images/vm/resume-identity.sh). Made once per image, machine shape and qemu; `lab vm build` makes it.
 */
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {withLock} from '../../debian-images/cache/lock.js';
import {run} from '../../debian-images/support/exec.js';
import {detectAccelerator} from '../accelerator.js';
import type {VmImage} from '../build/index.js';
import {generateHostKey} from '../ssh/keys.js';
import {writeVmInitrd} from './initrd.js';
import {freeLoopbackPort} from './port.js';
import {qemuArgs} from './qemu-args.js';
import {QEMU, spawnQemu} from './qemu-process.js';
import {Qmp} from './qmp.js';
import {writeBlankSeed} from './seed.js';
import {waitForBanner} from './serial.js';

/** Booting and starting the engine under TCG on a busy machine. */
const WARM_BOOT_TIMEOUT_MS = 300_000;

/** What a saved machine can be resumed by: the same machine shape, accelerator and qemu. */
export interface WarmLaunch {
  machine: VmImage['machine']['type'];
  memoryMiB: number;
  cpus: number;
  accel: 'kvm' | 'tcg';
  qemu: string;
}

export interface WarmState {
  dir: string;
  /** The disk as the saved machine left it: every resumed VM's overlay is based on it. */
  disk: string;
  /** qemu's migration stream, zstd-compressed. */
  memory: string;
  cmdline: string;
  launch: WarmLaunch;
  savedAt: string;
  /** From qemu's start to the saved machine's engine answering, and the saving itself. */
  bootSeconds: number;
  saveSeconds: number;
  memoryBytes: number;
}

let qemuVersion: string | undefined;
function qemuVersionLine(): string {
  qemuVersion ??= spawnSync(QEMU, ['--version'], {encoding: 'utf8'}).stdout?.split('\n')[0]?.trim() ?? 'unknown';
  return qemuVersion;
}

export function warmLaunch(image: Pick<VmImage, 'machine'>): WarmLaunch {
  return {machine: image.machine.type, memoryMiB: image.machine.memoryMiB, cpus: image.machine.cpus, accel: detectAccelerator().accel, qemu: qemuVersionLine()};
}

const warmDir = (image: Pick<VmImage, 'dir'>) => join(image.dir, 'warm');
const sameLaunch = (a: WarmLaunch, b: WarmLaunch) => a.machine === b.machine && a.memoryMiB === b.memoryMiB && a.cpus === b.cpus && a.accel === b.accel && a.qemu === b.qemu;

/** The image's warm state when there is one this machine can resume (else undefined: VMs boot). */
export async function readWarmState(image: Pick<VmImage, 'dir' | 'machine'>): Promise<WarmState | undefined> {
  try {
    const state = JSON.parse(await readFile(join(warmDir(image), 'warm.json'), 'utf8')) as WarmState;
    if (!sameLaunch(state.launch, warmLaunch(image)) || !existsSync(state.disk) || !existsSync(state.memory)) return undefined;
    return state;
  } catch {
    return undefined;
  }
}

/** Why this machine cannot make a warm state, if it cannot. */
export function warmUnavailable(): string | undefined {
  if (spawnSync('zstd', ['--version']).status !== 0) return 'zstd is not installed (apt-get install zstd, or lab doctor --fix)';
  return undefined;
}

/** The image's warm state, made now when missing; undefined (VMs then boot) when it cannot be made here. */
export async function ensureWarmState(image: VmImage, onProgress: (message: string) => void = () => {}): Promise<WarmState | undefined> {
  const ready = await readWarmState(image);
  if (ready) return ready;
  try {
    const made = await makeWarmState(image, onProgress);
    onProgress(`warm: VMs of this image resume from ${made.dir}`);
    return made;
  } catch (error) {
    onProgress(`warm: no saved running VM (${(error as Error).message.split('\n')[0]}); each lab VM boots instead`);
    return undefined;
  }
}

/**
 * Boots the image with lab.warm on the kernel's command line (everything up but SSH), waits for the guest's
 * LAB-VM-WARM-READY, then has qemu save the paused machine. Serialized per image; a finished one is reused.
 */
export async function makeWarmState(image: VmImage, onProgress: (message: string) => void = () => {}): Promise<WarmState> {
  const existing = await readWarmState(image);
  if (existing) return existing;
  const why = warmUnavailable();
  if (why) throw new Error(`no warm state: ${why}`);
  return withLock(join(image.dir, 'warm.lock'), () => onProgress('another command is making the warm state; waiting for it'), async () => {
    const made = await readWarmState(image);
    if (made) return made;
    const tmp = join(image.dir, `warm.tmp-${process.pid}`);
    await rm(tmp, {recursive: true, force: true});
    await mkdir(tmp, {recursive: true, mode: 0o700});
    try {
      const state = await bootAndSave(image, tmp, onProgress);
      await rm(warmDir(image), {recursive: true, force: true});
      await rename(tmp, warmDir(image));
      const final = {...state, dir: warmDir(image), disk: join(warmDir(image), 'disk.qcow2'), memory: join(warmDir(image), 'memory.zst')};
      await writeFile(join(warmDir(image), 'warm.json'), `${JSON.stringify(final, null, 2)}\n`);
      return final;
    } catch (error) {
      await rm(tmp, {recursive: true, force: true});
      throw error;
    }
  });
}

async function bootAndSave(image: VmImage, dir: string, onProgress: (message: string) => void): Promise<WarmState> {
  const launch = warmLaunch(image);
  const files = {disk: join(dir, 'disk.qcow2'), memory: join(dir, 'memory.zst'), initrd: join(dir, 'initrd.img'), seed: join(dir, 'seed.img'), qmp: join(dir, 'qmp.sock'), serial: join(dir, 'serial.log'), log: join(dir, 'qemu.log'), pid: join(dir, 'qemu.pid')};
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image.base, '-F', 'qcow2', files.disk]);
  // The saved machine's own identity is never used: no key is authorized, and each resume installs its own.
  const host = generateHostKey();
  await writeVmInitrd(image.initramfs, files.initrd, {dropbearHostKey: host.dropbear, fingerprint: host.fingerprint, authorizedKeys: '', hostname: 'lab'});
  await writeBlankSeed(files.seed);
  const cmdline = `${image.cmdline} lab.warm`;
  const args = qemuArgs({
    name: 'warm', accel: launch.accel, machine: launch.machine, memoryMiB: launch.memoryMiB, cpus: launch.cpus,
    vmlinux: image.vmlinux, initrd: files.initrd, cmdline, disk: files.disk, sshPort: await freeLoopbackPort(),
    serialLog: files.serial, pidfile: files.pid, warm: {seed: files.seed, qmp: files.qmp},
  });
  onProgress('warm: booting the image once to save it running (each lab VM then resumes from it)');
  const started = performance.now();
  const {child} = spawnQemu(args, files.log, false);
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    const banner = await waitForBanner(files.serial, ['warm-ready', 'engine-failed'], {
      timeoutMs: WARM_BOOT_TIMEOUT_MS,
      isAlive: async () => !exited,
      describeExit: async () => (await readFile(files.log, 'utf8').catch(() => '')).trim(),
    });
    if (banner.kind === 'engine-failed') throw new Error(`the engine did not start in the VM being saved: ${banner.detail}`);
    const bootSeconds = (performance.now() - started) / 1000;
    onProgress(`warm: up with its engine in ${bootSeconds.toFixed(1)} s; saving it`);
    const saving = performance.now();
    const qmp = await Qmp.connect(files.qmp);
    try {
      await qmp.execute('stop');
      // qemu's default bandwidth cap is for live migration over a network; a paused machine into a file is not.
      await qmp.execute('migrate-set-parameters', {'max-bandwidth': 16 * 1024 ** 3});
      // The marker file: zstd runs apart from qemu, and its output is complete once the shell gets past it.
      await qmp.execute('migrate', {uri: `exec:zstd -q -1 -T0 -o '${files.memory}' && : > '${files.memory}.done'`});
      for (;;) {
        const info = await qmp.execute<{status?: string; 'error-desc'?: string}>('query-migrate');
        if (info.status === 'completed') break;
        if (info.status === 'failed' || info.status === 'cancelled') throw new Error(`qemu could not save the VM: ${info['error-desc'] ?? info.status}`);
        await sleep(100);
      }
      await qmp.execute('quit').catch(() => undefined);
    } finally {
      qmp.close();
    }
    for (let i = 0; i < 200 && !exited; i++) await sleep(50);
    for (let i = 0; i < 600 && !existsSync(`${files.memory}.done`); i++) await sleep(50);
    if (!existsSync(`${files.memory}.done`)) throw new Error('zstd did not finish writing the saved VM');
    await rm(`${files.memory}.done`);
    const memoryBytes = (await stat(files.memory)).size;
    const saveSeconds = (performance.now() - saving) / 1000;
    onProgress(`warm: saved in ${saveSeconds.toFixed(1)} s (${(memoryBytes / 1048576).toFixed(0)} MiB of memory, compressed)`);
    await rm(files.seed, {force: true});
    await rm(files.qmp, {force: true});
    return {dir, disk: files.disk, memory: files.memory, cmdline, launch, savedAt: new Date().toISOString(), bootSeconds, saveSeconds, memoryBytes};
  } finally {
    if (!exited) child.kill('SIGKILL');
  }
}
