/** Concept: overlay mounts — parse /proc/<pid>/mountinfo and read an overlay's lowerdir, upperdir and workdir. */
import {posix} from 'node:path';

export interface MountEntry {
  id: number;
  parent: number;
  mountPoint: string;
  root: string;
  fsType: string;
  source: string;
  options: Record<string, string | true>;
}

const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** One entry per line of mountinfo (proc(5)); super options become a map (lowerdir=…, upperdir=…). */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const [fsType, source, superOpts = ''] = line.slice(sep + 3).split(' ');
    const options: Record<string, string | true> = {};
    for (const opt of superOpts.split(',')) {
      const eq = opt.indexOf('=');
      if (opt) options[eq < 0 ? opt : opt.slice(0, eq)] = eq < 0 ? true : unescape(opt.slice(eq + 1));
    }
    out.push({id: Number(left[0]), parent: Number(left[1]), root: unescape(left[3]), mountPoint: unescape(left[4]), fsType, source: unescape(source), options});
  }
  return out;
}

export interface OverlayLayers {
  mountPoint: string;
  lower: string[];
  upper?: string;
  work?: string;
}

/** Overlay mounts with their layers, lowerdir in the kernel's order (top-most first). */
export function overlays(entries: MountEntry[]): OverlayLayers[] {
  return entries
    .filter((e) => e.fsType === 'overlay')
    .map((e) => ({
      mountPoint: e.mountPoint,
      lower: typeof e.options.lowerdir === 'string' ? e.options.lowerdir.split(':') : [],
      upper: typeof e.options.upperdir === 'string' ? e.options.upperdir : undefined,
      work: typeof e.options.workdir === 'string' ? e.options.workdir : undefined,
    }));
}

/**
 * Whether a layer path from mount options names the expected directory. The kernel shows the paths as they
 * were given, so a relative one (mount run from inside the lab dir) is compared by its trailing components.
 */
export function samePath(observed: string | undefined, expected: string): boolean {
  if (!observed) return false;
  const want = posix.normalize(expected).replace(/\/$/, '');
  const seen = posix.normalize(observed).replace(/\/$/, '');
  if (seen.startsWith('/')) return seen === want;
  return !seen.split('/').includes('..') && want.endsWith(`/${seen.replace(/^\.\//, '')}`);
}

/** The overlay mounted last at a mount point (the one a path lookup sees when mounts are stacked). */
export function overlayAt<T extends {mountPoint: string}>(mounts: T[], mountPoint: string): T | undefined {
  const want = posix.normalize(mountPoint).replace(/\/$/, '');
  return mounts.filter((m) => m.mountPoint === want).pop();
}
