/**
 * A volume made with the local driver's options (`docker volume create -o type=tmpfs -o device=tmpfs -o o=size=1m`)
 * is a mount, made on its _data dir when a container that uses it starts, and undone when the last running
 * container that uses it stops (a tmpfs volume starts empty again, as on dockerd) or when the volume is removed.
 */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import type {ContainerRecord} from '../model/container.js';

const mountPointsOf = (c: ContainerRecord) => Object.values(c.MountPoints ?? {});

/** Whether a path is a mount point (an exact line in the mount table; octal escapes as the kernel writes them). */
export function isMountPoint(path: string): boolean {
  const escaped = path.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((line) => line.split(' ')[4] === escaped);
}

export function optionsOf(dataDir: string): Record<string, string> | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(dirname(dataDir), 'volume.json'), 'utf8')) as {Options?: Record<string, string> | null};
    return meta.Options && Object.keys(meta.Options).length > 0 ? meta.Options : undefined;
  } catch {
    return undefined;
  }
}

/** Mounts the volume's options on its _data dir unless it is mounted already; a volume without options is left alone. */
export function mountVolumeData(dataDir: string): void {
  const options = optionsOf(dataDir);
  if (!options || isMountPoint(dataDir)) return;
  const args = [...(options.type ? ['-t', options.type] : []), ...(options.o ? ['-o', options.o] : []), '--', options.device!, dataDir];
  try {
    execFileSync('mount', args, {stdio: ['ignore', 'ignore', 'pipe']});
  } catch (error) {
    const stderr = (error as {stderr?: Buffer}).stderr?.toString().trim();
    throw new Error(`error while mounting volume '${dataDir}': ${stderr || (error as Error).message}`);
  }
}

export function unmountVolumeData(dataDir: string): void {
  if (isMountPoint(dataDir)) execFileSync('umount', ['-l', dataDir], {stdio: 'ignore'});
}

/** After `stopped` ended: unmounts its option volumes that no other running container uses. */
export function releaseVolumeMounts(stopped: ContainerRecord, all: ContainerRecord[]): void {
  for (const m of mountPointsOf(stopped)) {
    if (m.Type !== 'volume' || !m.Source || !optionsOf(m.Source)) continue;
    const inUse = all.some((c) => c.ID !== stopped.ID && c.State.Running && mountPointsOf(c).some((o) => o.Type === 'volume' && o.Source === m.Source));
    if (!inUse) unmountVolumeData(m.Source);
  }
}
