/**
 * dockerd's `detach` event: a client left a running container with its detach keys (ctrl-p ctrl-q). The shim
 * ends that client's stream and the process runs on; when the stream ended because the process exited, its exit
 * comes right after, and that is no detach.
 */
import {emit, type ContainerContext} from './context.js';
import {within} from './deadline.js';

/** How long an exit may trail the end of the stream it caused (the shim reports it on another socket). */
const EXIT_GRACE_MS = 1500;

export async function noteStreamEnded(ctx: ContainerContext, id: string): Promise<void> {
  const c = ctx.store.find(id);
  if (!c?.State.Running) return;
  const exit = ctx.waiters.wait(c, 'next-exit');
  try {
    const exited = await within(exit.promise.then(() => true), EXIT_GRACE_MS, false);
    const now = ctx.store.find(id);
    if (!exited && now?.State.Running) emit(ctx, now, 'detach');
  } finally {
    exit.cancel();
  }
}
