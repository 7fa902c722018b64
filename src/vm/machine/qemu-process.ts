/**
 * What booting, resuming and saving a lab VM share: qemu started with its output in a log file, and a VM that
 * answered with the host key generated for it recorded as running, its key pinned for SSH.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {closeSync, openSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import {hostToken} from '../ssh/known-hosts.js';
import {type Banner} from './serial.js';
import {vmFiles, type VmRecord, writeVmRecord} from '../record.js';

export const QEMU = 'qemu-system-x86_64';

export interface QemuLaunched {
  child: ChildProcess;
  /** Why qemu could not be run at all (not installed), once known. */
  spawnError: () => Error | undefined;
}

/** detached: the VM outlives the command (a lab VM); otherwise qemu ends with it (the warm state's saving boot). */
export function spawnQemu(args: string[], logFile: string, detached: boolean): QemuLaunched {
  const logFd = openSync(logFile, 'w', 0o600);
  let error: Error | undefined;
  const child = spawn(QEMU, args, {detached, stdio: ['ignore', logFd, logFd]});
  closeSync(logFd);
  child.on('error', (e) => (error = e));
  if (detached) child.unref();
  return {child, spawnError: () => error};
}

/** The READY banner must name the host key generated for this VM: anything else is not the VM meant. */
export function checkFingerprint(record: VmRecord, banner: Banner, what: string): void {
  const fingerprint = banner.detail.split(/\s+/).pop();
  if (fingerprint !== record.hostKeyFingerprint) throw new Error(`${what} reports host key ${fingerprint}, not the one installed for it (${record.hostKeyFingerprint})`);
}

/** The VM answers on sshPort: recorded as running, its host key pinned for that port. */
export async function recordReady(record: VmRecord, sshPort: number, readyMs: number, extra: Partial<VmRecord> = {}): Promise<VmRecord> {
  const ready: VmRecord = {...record, ...extra, status: 'running', readyMs};
  await writeVmRecord(ready);
  await writeFile(vmFiles(record.dir).knownHosts, `${hostToken('127.0.0.1', sshPort)} ${record.hostKey}\n`, {mode: 0o644});
  return ready;
}
