/**
 * A new lab VM resumed from its image's warm state instead of booted: qemu loads the saved machine (engine and
 * course registry already running), then the host writes this VM's identity on its seed disk and waits, as after
 * a boot, for the READY banner with this VM's own host key.
 */
import {readFile, rm} from 'node:fs/promises';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {isVmQemu, vmFiles, type VmRecord, writeVmRecord} from '../record.js';
import type {VmSecrets} from './initrd.js';
import {freeLoopbackPort} from './port.js';
import {qemuArgs} from './qemu-args.js';
import {checkFingerprint, recordReady, spawnQemu} from './qemu-process.js';
import {Qmp} from './qmp.js';
import {writeBlankSeed, writeSeed} from './seed.js';
import {waitForBanner} from './serial.js';
import type {WarmState} from './warm-state.js';

/** A saved machine starts loading at once (53 MB of zstd loads in under a second here); a busy host gets slack. */
const NOTHING_LOADED_MS = 20_000;

export const resumeFiles = (dir: string) => ({seed: join(dir, 'seed.img'), qmp: join(dir, 'qmp.sock')});

/** qemu's state once it has loaded the saved machine: running, or why not. */
async function waitRunning(qmpPath: string, alive: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const qmp = await Qmp.connect(qmpPath, timeoutMs, alive);
  try {
    const deadline = Date.now() + timeoutMs;
    // A stream qemu cannot read (zstd refusing the file) leaves it waiting with no incoming migration at all.
    const nothingBy = Date.now() + NOTHING_LOADED_MS;
    for (;;) {
      const incoming = await qmp.execute<{status?: string}>('query-migrate');
      if (incoming.status === 'failed') throw new Error('qemu could not load the saved VM');
      if (!incoming.status && Date.now() > nothingBy) throw new Error(`qemu received nothing it could load within ${NOTHING_LOADED_MS / 1000} s`);
      const status = await qmp.execute<{status: string}>('query-status');
      if (status.status === 'running') return;
      // The machine was saved paused (so that nothing changed while it was written): loaded, it waits to go on.
      if (status.status === 'paused') {
        await qmp.execute('cont');
        continue;
      }
      if (status.status !== 'inmigrate' && status.status !== 'prelaunch') throw new Error(`qemu's resumed VM is ${status.status}, not running`);
      if (!(await alive()) || Date.now() > deadline) throw new Error('qemu did not finish loading the saved VM');
      await sleep(50);
    }
  } finally {
    qmp.close();
  }
}

/**
 * Resumes `record` (its disk an overlay on the warm state's) and gives it `secrets`. Throws with qemu's words
 * when the saved machine cannot be loaded; the caller then boots the VM instead.
 */
export async function resumeVm(record: VmRecord, warm: WarmState, secrets: VmSecrets, opts: {timeoutMs: number; log: (m: string) => void}): Promise<VmRecord> {
  const files = vmFiles(record.dir);
  const extra = resumeFiles(record.dir);
  const sshPort = await freeLoopbackPort();
  await rm(files.serialLog, {force: true});
  await rm(files.pidfile, {force: true});
  await rm(extra.qmp, {force: true});
  await writeBlankSeed(extra.seed);
  const args = qemuArgs({
    name: record.name, accel: warm.launch.accel, machine: warm.launch.machine, memoryMiB: warm.launch.memoryMiB, cpus: warm.launch.cpus,
    vmlinux: record.image.vmlinux, initrd: files.initrd, cmdline: warm.cmdline, disk: files.disk, sshPort,
    serialLog: files.serialLog, pidfile: files.pidfile,
    warm: {seed: extra.seed, qmp: extra.qmp, incoming: `exec:zstd -dc '${warm.memory}'`},
  });
  opts.log(`resuming ${record.name} from the image's saved running VM`);
  const started = performance.now();
  const {child, spawnError} = spawnQemu(args, files.qemuLog, true);
  record = {...record, status: 'starting', pid: child.pid, sshPort, startedAt: new Date().toISOString()};
  delete record.readyMs;
  delete record.engineReadyMs;
  await writeVmRecord(record);
  const alive = async () => spawnError() === undefined && (await isVmQemu(child.pid, record.dir));
  const describeExit = async () => (spawnError()?.message ?? (await readFile(files.qemuLog, 'utf8').catch(() => ''))).trim().split('\n').slice(-15).join('\n');
  try {
    await waitRunning(extra.qmp, alive, opts.timeoutMs).catch(async (error: Error) => {
      throw new Error(`${error.message}${(await alive()) ? '' : `: ${await describeExit()}`}`);
    });
    // Written now, not before: the clock in it is the host's at this moment.
    await writeSeed(extra.seed, secrets);
    const banner = await waitForBanner(files.serialLog, ['ready'], {timeoutMs: opts.timeoutMs - (performance.now() - started), isAlive: alive, describeExit});
    checkFingerprint(record, banner, 'the resumed VM');
  } catch (error) {
    if (await isVmQemu(child.pid, record.dir)) process.kill(child.pid!, 'SIGKILL');
    throw error;
  }
  record = await recordReady(record, sshPort, Math.round(performance.now() - started), {resumed: true});
  opts.log(`${record.name} is up in ${(record.readyMs! / 1000).toFixed(1)}s, resumed (ssh on 127.0.0.1:${sshPort})`);
  return record;
}
