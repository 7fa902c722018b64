/**
 * A volume made with the local driver's options (`docker volume create -o type=tmpfs -o device=tmpfs -o o=size=1m`)
 * is a mount, made on its _data dir the first time a container that uses it starts, and undone when the volume is
 * removed — dockerd mounts it the same way (it also unmounts when the last container using it stops).
 */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';

/** Whether a path is a mount point (an exact line in the mount table; octal escapes as the kernel writes them). */
export function isMountPoint(path: string): boolean {
  const escaped = path.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((line) => line.split(' ')[4] === escaped);
}

function optionsOf(dataDir: string): Record<string, string> | undefined {
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
