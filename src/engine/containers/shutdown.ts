/**
 * The daemon stops without live-restore: every running container is stopped as dockerd stops them at shutdown,
 * all at once, each with its stop signal and its own stop timeout before SIGKILL, and its exit recorded. Restart
 * policies do not bring them back now; at the next daemon start they do (a shutdown is not a `docker stop`).
 */
import type {ContainerContext} from './context.js';
import {within} from './deadline.js';
import {signalContainer} from './kill.js';
import {stopTimeout, terminate} from './stop.js';

/** dockerd's minimum shutdown timeout, and the grace it adds to the longest stop timeout. */
const SHUTDOWN_TIMEOUT_S = 15;
const GRACE_S = 5;

export async function shutdown(ctx: ContainerContext): Promise<void> {
  ctx.restarts.halt();
  const running = ctx.store.all().filter((c) => c.State.Running);
  if (running.length === 0) return;
  const seconds = Math.max(SHUTDOWN_TIMEOUT_S, ...running.map((c) => stopTimeout(c) + GRACE_S));
  ctx.log.info('stopping running containers', {count: running.length});
  const stops = running.map((c) =>
    // Not marked as stopped by hand, so that a restart policy brings it back at the next daemon start.
    terminate(ctx, c, stopTimeout(c), (signal) => signalContainer(ctx, c, signal)).catch((e: Error) => ctx.log.error('failed to shut down container', {id: c.ID, error: e.message})),
  );
  // As dockerd's: past the daemon's shutdown timeout it goes on without the containers that did not stop.
  if ((await within(Promise.all(stops).then(() => true), seconds * 1000, false)) === false) {
    ctx.log.warn('containers did not stop within the shutdown timeout', {seconds});
  }
}
