/**
 * Sandboxes left by a `lab homework check`, `lab worker` or `lab exercise test` that was killed (SIGKILL, OOM
 * killer) before it could remove its own: found by their dead owner (the private engine's owner mark) and removed
 * — the lab's recorded clean-up (session/cleanup-record.ts), the course registry they ran, their containers and
 * engine, the processes and mounts under their dir, their parent cgroup.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {abandonedEngineDirs, claimAbandoned, removeAbandonedEngine} from '../../engine/control/abandoned-engines.js';
import {runRecordedCleanup} from '../session/cleanup-record.js';
import {removeAbandonedCgroup} from './parent-cgroup.js';

export const SANDBOX_PREFIX = 'lab-homework-';
/** A lab's self-test (`lab exercise test`): its private engine's dir starts with this and the lab's id. */
export const SELF_TEST_PREFIX = 'lab-selftest-';

function cgroupParentOf(dir: string): string | undefined {
  try {
    const parent = (JSON.parse(readFileSync(join(dir, 'daemon.json'), 'utf8')) as Record<string, unknown>)['cgroup-parent'];
    return typeof parent === 'string' ? parent : undefined;
  } catch {
    return undefined;
  }
}

/** Removes every abandoned sandbox named `prefix…` under `parent` (the temp dir); returns the dirs removed. */
export async function removeAbandonedSandboxes(progress: (m: string) => void = () => undefined, parent?: string, prefix = SANDBOX_PREFIX): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of abandonedEngineDirs(prefix, parent)) {
    if (!claimAbandoned(dir)) continue;
    progress(`removing ${dir}, a sandbox left by a process that ended without removing it`);
    const cgroup = cgroupParentOf(dir);
    try {
      // What the lab changed on the machine outside the dir (lab 26's audit rules) is undone first.
      runRecordedCleanup(dir, progress);
      const {stopRegistry} = await import('../registry/index.js');
      await stopRegistry(join(dir, 'registry')).catch(() => undefined);
      await removeAbandonedEngine(dir, {beforeUnmount: async () => (cgroup ? removeAbandonedCgroup(cgroup) : undefined)});
      removed.push(dir);
    } catch (error) {
      // Another user's sandbox, say: reported, and the new one starts all the same.
      progress(`could not remove ${dir}: ${(error as Error).message}`);
    }
  }
  return removed;
}
