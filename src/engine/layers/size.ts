import {lstat, readdir} from 'node:fs/promises';
import {absPath, bytesToName, joinRel} from './paths.js';

/** Bytes of regular-file data under `dir`; a file with several names counts once. */
export async function diffSize(dir: string): Promise<number> {
  const root = Buffer.from(dir);
  const seen = new Set<string>();
  let total = 0;
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    for (const child of await readdir(absPath(root, rel), {encoding: 'buffer'})) {
      const childRel = joinRel(rel, bytesToName(child));
      const stats = await lstat(absPath(root, childRel), {bigint: true});
      if (stats.isDirectory()) {
        pending.push(childRel);
      } else if (stats.isFile()) {
        const key = `${stats.dev}:${stats.ino}`;
        if (stats.nlink > 1n && seen.has(key)) continue;
        if (stats.nlink > 1n) seen.add(key);
        total += Number(stats.size);
      }
    }
  }
  return total;
}
