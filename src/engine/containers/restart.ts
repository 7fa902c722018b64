/** `docker restart`: a stop, then a start; the restart count starts again from 0. */
import {emit, type ContainerContext} from './context.js';
import {stop} from './stop.js';

export async function restart(ctx: ContainerContext, ref: string, timeoutSeconds?: number): Promise<void> {
  await stop(ctx, ref, timeoutSeconds);
  const c = ctx.store.get(ref);
  await ctx.start(c.ID);
  c.RestartCount = 0;
  emit(ctx, c, 'restart');
}
