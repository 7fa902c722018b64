/**
 * A container's process ended: the shim reports it, the runtime's container, the root's mount and the network
 * are cleaned up, the exit is recorded, waiters hear of it, and a --rm container goes or a policy restarts it.
 */
import {releaseVolumeMounts} from '../volumes/volume-mount.js';
import {containerCgroup, oomKillCount} from '../runtime/cgroups.js';
import type {ExitInfo} from '../runtime/oci-runtime.js';
import {emit, type ContainerContext} from './context.js';
import type {ContainerRecord} from '../model/container.js';
import {rwLayerPaths, unmountRwLayer} from './rw-layer.js';
import {apply, can} from './state.js';

/** Follows the shim until the process exits. */
export function watchExit(ctx: ContainerContext, c: ContainerRecord): void {
  ctx.runtime.waitExit(ctx.paths.stateDir(c.ID)).then(
    (exit) => exited(ctx, c.ID, exit),
    (error: Error) => ctx.log.error('lost track of container', {id: c.ID, error: error.message}),
  );
}

export async function exited(ctx: ContainerContext, id: string, exit: ExitInfo): Promise<void> {
  const c = ctx.store.find(id);
  if (!c || !c.State.Running) return;
  // Before the runtime's delete: it removes the cgroup whose counter says whether the OOM killer struck.
  const oomKilled = oomKillCount(containerCgroup(c.ID, c.CgroupsPath)) > 0;
  // Independent clean-ups, run side by side: they are on the path of every `docker run --rm`.
  await Promise.all([
    ctx.runtime.delete(c.ID, true).catch((e: Error) => ctx.log.warn('runtime delete failed', {id, error: e.message})),
    unmountRwLayer(rwLayerPaths(ctx.images.layers, c.MountID)).catch(() => {}),
    ctx.network?.disconnect(c).catch((e: Error) => ctx.log.warn('network cleanup failed', {id, error: e.message})),
  ]);
  try {
    releaseVolumeMounts(c, ctx.store.all());
  } catch (error) {
    ctx.log.warn('a volume could not be unmounted', {id, error: (error as Error).message});
  }
  ctx.health.end(c.ID);
  if (!can(c.State, 'exit')) {
    ctx.log.error('an exit the container lifecycle does not allow', {id, status: c.State.Status});
    return;
  }
  apply(c, {type: 'exit', exitCode: exit.exitCode, finishedAt: exit.finishedAt || new Date().toISOString(), oomKilled});
  c.ShimPid = 0;
  ctx.store.save(c);
  if (oomKilled) emit(ctx, c, 'oom');
  emit(ctx, c, 'die', {exitCode: String(exit.exitCode)});
  ctx.waiters.exited(c, exit.exitCode);
  if (c.HostConfig.AutoRemove) await ctx.remove(c.ID, {force: false}).catch(() => {});
  else ctx.restarts.afterExit(c, exit.exitCode);
}
