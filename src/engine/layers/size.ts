import {lstatSync, readdirSync} from 'node:fs';
import {absPath, bytesToName, joinRel} from './paths.js';

/** Bytes of regular-file data and symlink targets under `dir`, as dockerd counts; a file with several names counts once. */
export async function diffSize(dir: string): Promise<number> {
  const root = Buffer.from(dir);
  const seen = new Set<string>();
  let total = 0;
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    for (const child of readdirSync(absPath(root, rel), {encoding: 'buffer'})) {
      const childRel = joinRel(rel, bytesToName(child));
      const stats = lstatSync(absPath(root, childRel), {bigint: true});
      if (stats.isDirectory()) {
        pending.push(childRel);
      } else if (stats.isFile()) {
        if (stats.nlink > 1n) {
          const key = `${stats.dev}:${stats.ino}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        total += Number(stats.size);
      } else if (stats.isSymbolicLink()) {
        total += Number(stats.size);
      }
    }
    // Let other work run between directories of a large tree.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return total;
}
