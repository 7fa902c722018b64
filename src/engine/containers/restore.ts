/**
 * After a daemon restart: containers whose shims are still there are followed again (a shim outlives the
 * daemon); those that ended while the daemon was away are finished with the exit their shim recorded; a start
 * the daemon did not finish (it died between creating the process and recording it as running) is undone, so
 * that the container is cleanly startable again.
 */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {ContainerContext} from './context.js';
import type {ContainerRecord} from '../model/container.js';
import {exited, watchExit} from './exit.js';
import {rwLayerPaths, unmountRwLayer} from './rw-layer.js';

export async function restore(ctx: ContainerContext): Promise<void> {
  const unfinished: Array<Promise<void>> = [];
  for (const c of ctx.store.all()) {
    if (!c.State.Running) {
      if (runtimeHolds(ctx, c)) unfinished.push(undoStart(ctx, c));
      continue;
    }
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
  await Promise.all(unfinished);
}

/**
 * The runtime still has a container that the record says is not running: the runtime deletes a container when
 * its process exits, so this is a start cut short. Its process, which no one will ever attach to, goes.
 */
function runtimeHolds(ctx: ContainerContext, c: ContainerRecord): boolean {
  return existsSync(join(ctx.paths.runcRoot, c.ID));
}

async function undoStart(ctx: ContainerContext, c: ContainerRecord): Promise<void> {
  ctx.log.info('undoing a start the daemon did not finish', {id: c.ID.slice(0, 12), status: c.State.Status});
  // A forced delete kills the process; its shim then records the exit and ends.
  await ctx.runtime.delete(c.ID, true).catch((e: Error) => ctx.log.warn('runtime delete failed', {id: c.ID, error: e.message}));
  await unmountRwLayer(rwLayerPaths(ctx.images.layers, c.MountID)).catch(() => {});
}

function shimAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('labd-shim');
  } catch {
    return false;
  }
}
