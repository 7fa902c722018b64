/** `docker stop`: SIGTERM (or the image's STOPSIGNAL), then SIGKILL to every process after the timeout. */
import {emit, type ContainerContext} from './context.js';
import {within} from './deadline.js';
import {killAll} from './kill.js';

/** False when it was not running (a 304); a container waiting to restart is stopped from restarting. */
export async function stop(ctx: ContainerContext, ref: string, timeoutSeconds?: number, signal?: string): Promise<boolean> {
  const c = ctx.store.get(ref);
  const wasRestarting = c.State.Restarting;
  if (c.State.Running || wasRestarting) c.HasBeenManuallyStopped = true;
  ctx.restarts.cancel(c);
  if (!c.State.Running) {
    if (wasRestarting) ctx.store.save(c);
    return wasRestarting;
  }
  const t = timeoutSeconds ?? c.Config.StopTimeout ?? 10;
  const exit = ctx.waiters.wait(c, 'next-exit');
  await ctx.kill(c.ID, signal || c.Config.StopSignal || 'SIGTERM').catch(() => {});
  const stopped = await within(exit.promise.then(() => true), t * 1000, false);
  if (!stopped && ctx.store.find(c.ID)?.State.Running) {
    await killAll(ctx, c);
    await exit.promise;
  }
  emit(ctx, c, 'stop');
  return true;
}
