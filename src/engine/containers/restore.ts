/**
 * After a daemon restart: containers whose shims are still there are followed again (a shim outlives the
 * daemon); those that ended while the daemon was away are finished with the exit their shim recorded.
 */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {ContainerContext} from './context.js';
import {exited, watchExit} from './exit.js';

export function restore(ctx: ContainerContext): void {
  for (const c of ctx.store.all()) {
    if (!c.State.Running) continue;
    const stateDir = ctx.paths.stateDir(c.ID);
    if (c.ShimPid > 0 && shimAlive(c.ShimPid) && existsSync(join(stateDir, 'attach.sock'))) {
      ctx.log.info('reconnected to running container', {id: c.ID.slice(0, 12)});
      watchExit(ctx, c);
      ctx.health.begin(c);
      void ctx.network?.restore(c);
      continue;
    }
    const exit = ctx.runtime.recordedExit(stateDir) ?? {exitCode: 255, signal: null, finishedAt: new Date().toISOString()};
    void exited(ctx, c.ID, exit);
  }
}

function shimAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('labd-shim');
  } catch {
    return false;
  }
}
