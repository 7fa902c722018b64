/**
 * Resolving a path inside a container's root the way the container would see it: symlinks are followed,
 * but an absolute link target or a `..` at the top stays inside the root. Host files are never reached.
 */
import {lstatSync, readlinkSync} from 'node:fs';
import {join, posix} from 'node:path';

export class RootfsPathError extends Error {
  override name = 'RootfsPathError';
}

/** The host path that `path` names inside `root`, every symlink resolved within `root`. */
export function resolveInRoot(root: string, path: string, followFinal = true): string {
  let pending = posix.normalize('/' + path).split('/').filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = lstatSync(candidate).isSymbolicLink();
    } catch {
      isLink = false; // a missing component: the rest is taken literally
    }
    if (isLink && (followFinal || pending.length > 0)) {
      if (++links > 40) throw new RootfsPathError(`too many levels of symbolic links in ${path}`);
      const target = readlinkSync(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      pending = [...target.split('/').filter(Boolean), ...pending];
      continue;
    }
    resolved.push(part);
  }
  return join(root, ...resolved);
}
