/** `docker stop`: SIGTERM (or the image's STOPSIGNAL), then SIGKILL to every process after the timeout. */
import {emit, type ContainerContext} from './context.js';
import {within} from './deadline.js';
import {killAll} from './kill.js';
import type {ContainerRecord} from '../model/container.js';

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
  await terminate(ctx, c, timeoutSeconds ?? stopTimeout(c), (sig) => ctx.kill(c.ID, sig), signal);
  return true;
}

/** The container's own stop timeout in seconds (`--stop-timeout`, else Docker's 10). */
export function stopTimeout(c: ContainerRecord): number {
  return c.Config.StopTimeout ?? 10;
}

/**
 * The stop signal, then SIGKILL to every process once `seconds` have passed; resolves when the exit is recorded.
 * Also the daemon's shutdown, which (unlike `docker stop`) leaves the container to come back by its policy.
 */
export async function terminate(
  ctx: ContainerContext, c: ContainerRecord, seconds: number, send: (signal: string) => Promise<void>, signal?: string,
): Promise<void> {
  const exit = ctx.waiters.wait(c, 'next-exit');
  await send(signal || c.Config.StopSignal || 'SIGTERM').catch(() => {});
  const stopped = await within(exit.promise.then(() => true), seconds * 1000, false);
  if (!stopped && ctx.store.find(c.ID)?.State.Running) {
    await killAll(ctx, c);
    await exit.promise;
  }
  emit(ctx, c, 'stop');
}
