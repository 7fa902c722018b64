/**
 * One cached build step: a folder named after the hash of everything that decides its content, written under a
 * temporary name and renamed into place when complete, so a folder that exists is always whole.
 */
import {mkdir, readdir, rename, rm, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {removeTree} from '../../debian-images/debian/debootstrap.js';
import {processAlive} from '../../common/process-alive.js';

export interface Stage {
  dir: string;
  cached: boolean;
}

export function stageDir(cacheDir: string, kind: string, key: string): string {
  return join(cacheDir, `${kind}-${key.slice(0, 16)}`);
}

export async function ensureStage(cacheDir: string, kind: string, key: string, build: (dir: string) => Promise<void>): Promise<Stage> {
  const dir = stageDir(cacheDir, kind, key);
  if (await stat(dir).then((s) => s.isDirectory(), () => false)) return {dir, cached: true};
  await mkdir(cacheDir, {recursive: true});
  const partial = `${dir}.partial-${process.pid}`;
  await removeTree(partial).catch(() => undefined);
  await mkdir(partial);
  try {
    await build(partial);
    await rename(partial, dir);
  } catch (error) {
    // A tree from debootstrap may hold mounts or device nodes; removeTree handles both.
    await removeTree(partial).catch(() => undefined);
    throw error;
  }
  return {dir, cached: false};
}

/**
 * Deletes the cached steps of a kind except those still wanted (the current build's, and any a VM's disk still
 * uses as its backing file), and partial folders left by killed builds.
 */
export async function pruneStages(cacheDir: string, kind: string, keep: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(cacheDir).catch(() => [] as string[])) {
    if (!name.startsWith(`${kind}-`)) continue;
    const dir = join(cacheDir, name);
    const partialOwner = /\.partial-(\d+)$/.exec(name)?.[1];
    if (partialOwner !== undefined) {
      if (processAlive(Number(partialOwner))) continue;
    } else if (keep.has(dir)) {
      continue;
    }
    await removeTree(dir).catch(() => rm(dir, {recursive: true, force: true}));
    removed.push(dir);
  }
  return removed;
}
