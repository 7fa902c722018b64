/**
 * Looking up a path the way overlayfs shows it, from the layer dirs themselves: the top-most layer that has an
 * entry wins, a whiteout hides the ones below, and symlinks are followed inside the union, never on the host.
 */
import {lstatSync, readlinkSync, type Stats} from 'node:fs';
import {join, posix} from 'node:path';

function lstat(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0;

/** The top-most layer dir holding `rel`, or undefined when no layer has it or a whiteout hides it. */
export function findInLayers(dirs: string[], rel: string): {dir: string; stat: Stats} | undefined {
  for (const dir of dirs) {
    const st = lstat(join(dir, rel));
    if (!st) continue;
    return isWhiteout(st) ? undefined : {dir, stat: st};
  }
  return undefined;
}

/** Resolves every symlink in `path` within the union of `dirs` (top first); returns the final relative path. */
export function resolveInLayers(dirs: string[], path: string): string {
  let pending = posix.normalize('/' + path).split('/').filter(Boolean);
  const done: string[] = [];
  for (let hops = 0; pending.length > 0 && hops < 64; ) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const rel = [...done, part].join('/');
    const found = findInLayers(dirs, rel);
    if (found?.stat.isSymbolicLink() && pending.length > 0) {
      hops++;
      const target = readlinkSync(join(found.dir, rel));
      if (target.startsWith('/')) done.length = 0;
      pending = [...target.split('/').filter(Boolean), ...pending];
      continue;
    }
    done.push(part);
  }
  return done.join('/');
}
