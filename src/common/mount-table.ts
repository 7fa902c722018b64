/**
 * The host's mount table as this process sees it. Paths are compared after resolving symlinks, because
 * the kernel reports real paths: on Debian /var/run is a link to /run, so a mount made at
 * /var/run/docker/build/x shows as /run/docker/build/x.
 */
import {readFileSync, realpathSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';

/** A path with its symlinks resolved as far as it exists; the missing tail is kept as written. */
export function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPathOf(parent), basename(path));
  }
}

/** This process's mount table as the kernel prints it; empty where there is no /proc. */
export function readMountinfo(): string {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return '';
  }
}

/** Every mount point, octal escapes (\040 for a space) undone. */
export function mountPoints(mountinfo: string = readMountinfo()): string[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** Mount points at or below dir (in real-path terms), deepest first, each listed once. */
export function mountsBelow(dir: string, mountinfo?: string): string[] {
  const real = realPathOf(dir);
  const points = mountPoints(mountinfo).filter((p) => p === real || p.startsWith(`${real}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export function isMountPoint(path: string, mountinfo?: string): boolean {
  const real = realPathOf(path);
  return mountPoints(mountinfo).includes(real);
}
