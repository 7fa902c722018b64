/**
 * `docker rm`: a running container only with force (killed first), then the runtime's container, network,
 * writable layer, record and volumes go. A second removal of the same container joins the first; a removal
 * that fails leaves the container dead, to be removed again.
 */
import {rmSync} from 'node:fs';
import {removeRwLayer} from './rw-layer.js';
import {emit, type ContainerContext, type RemoveOptions} from './context.js';
import {within} from './deadline.js';
import {killAll} from './kill.js';
import {zeroTime} from './record.js';
import {apply, checkRemove} from './state.js';

/** How long a forced removal waits for the killed process to be reported gone before going on without it. */
const KILLED_EXIT_WAIT_MS = 5000;

export function remove(ctx: ContainerContext, ref: string, opts: RemoveOptions): Promise<void> {
  const c = ctx.store.get(ref);
  const under = ctx.removals.get(c.ID);
  if (under) return under;
  const removal = removeOnce(ctx, ref, opts).finally(() => ctx.removals.delete(c.ID));
  ctx.removals.set(c.ID, removal);
  return removal;
}

async function removeOnce(ctx: ContainerContext, ref: string, opts: RemoveOptions): Promise<void> {
  const c = ctx.store.get(ref);
  checkRemove(c, opts.force);
  ctx.restarts.forget(c);
  if (c.State.Running) {
    const exit = ctx.waiters.wait(c, 'next-exit');
    await killAll(ctx, c);
    await within(exit.promise, KILLED_EXIT_WAIT_MS, undefined);
    exit.cancel();
  }
  const current = ctx.store.find(c.ID);
  if (!current) return;
  const wasRunning = current.State.Running;
  apply(current, {type: 'remove'});
  try {
    // An exited container was already deleted from the runtime when it exited.
    if (wasRunning || current.State.StartedAt === zeroTime) await ctx.runtime.delete(c.ID, true).catch(() => {});
    await ctx.network?.disconnect(current).catch(() => {});
    await removeRwLayer(ctx.images.layers, c.ID);
  } catch (error) {
    apply(current, {type: 'remove-failed'});
    ctx.store.save(current);
    throw error;
  }
  ctx.attach.release(c.ID);
  // Its folder in the exec-root (bundle, shim socket, exit file, execs' folders) goes with it, as with dockerd.
  rmSync(ctx.paths.stateDir(c.ID), {recursive: true, force: true});
  ctx.store.delete(c.ID);
  ctx.volumes.release(current, Boolean(opts.volumes || current.HostConfig.AutoRemove));
  emit(ctx, current, 'destroy');
  ctx.waiters.removed(current);
}
