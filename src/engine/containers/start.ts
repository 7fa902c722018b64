/**
 * `docker start`: network and root file system ready, the process created under its shim, attached clients
 * joined, then started; the container is running once that is on disk. A failure leaves it as it was, with
 * Docker's exit code and the error kept in its State.
 */
import {apply, checkStart} from './state.js';
import {emit, type ContainerContext} from './context.js';
import {watchExit} from './exit.js';
import {launch} from './launch.js';
import type {ContainerRecord} from '../model/container.js';
import {rwLayerPaths, unmountRwLayer} from './rw-layer.js';
import {startErrorForClient, startExitCode} from './start-error.js';

/** `byPolicy`: a restart policy's start, which keeps the container shown as restarting until it runs. */
export async function start(ctx: ContainerContext, ref: string, byPolicy = false): Promise<'started' | 'already'> {
  const c = ctx.store.get(ref);
  if (checkStart(c) === 'already') return 'already';
  if (!byPolicy) {
    ctx.restarts.cancel(c);
    c.HasBeenManuallyStopped = false;
  }
  let handle;
  try {
    ctx.volumes.recheck(c);
    // The netns, address and published ports exist before the process does; a taken host port stops the start here.
    await ctx.network?.connect(c, (r) => ctx.store.find(r));
    handle = await launch(c, ctx.images.layers, ctx.paths, ctx.runtime, ctx.network?.nameFiles(c));
  } catch (error) {
    throw await failStart(ctx, c, error);
  }
  c.ShimPid = handle.shimPid;
  await ctx.attach.connectPending(c.ID, ctx.paths.stateDir(c.ID));
  try {
    await ctx.runtime.start(c.ID);
  } catch (error) {
    await ctx.runtime.delete(c.ID, true).catch(() => {});
    throw await failStart(ctx, c, error);
  }
  ctx.health.begin(c);
  apply(c, {type: 'start', pid: handle.pid, startedAt: new Date().toISOString()});
  // On disk before the start is answered: a daemon killed right after must find the container running (and
  // its shim) when it comes back, not a record that still says "created".
  await ctx.store.save(c);
  emit(ctx, c, 'start');
  watchExit(ctx, c);
  return 'started';
}

/** Undoes what the start did so far and records the failure; returns the error for the client. */
async function failStart(ctx: ContainerContext, c: ContainerRecord, error: unknown): Promise<Error> {
  const code = startExitCode(error);
  apply(c, {type: 'start-failed', exitCode: code, error: (error as Error).message});
  await ctx.network?.disconnect(c).catch((e: Error) => ctx.log.warn('network cleanup failed', {id: c.ID, error: e.message}));
  ctx.store.save(c);
  await unmountRwLayer(rwLayerPaths(ctx.images.layers, c.MountID)).catch(() => {});
  ctx.attach.release(c.ID);
  emit(ctx, c, 'die', {exitCode: String(code)});
  ctx.waiters.exited(c, code);
  // As dockerd: a --rm container that could not start is removed, which also ends the CLI's wait.
  if (c.HostConfig.AutoRemove) await ctx.remove(c.ID, {force: true}).catch(() => {});
  return startErrorForClient(error);
}
