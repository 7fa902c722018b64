/** `docker pause` and `unpause`: the cgroup freezer stops every process of the container where it is, until unpause. */
import {emit, type ContainerContext} from './context.js';
import {apply, can, checkPause, checkUnpause} from './state.js';

export async function pause(ctx: ContainerContext, ref: string): Promise<void> {
  const c = ctx.store.get(ref);
  checkPause(c);
  await ctx.runtime.pause(c.ID);
  // It may have ended while the freezer was being set.
  if (!can(c.State, 'pause')) return;
  apply(c, {type: 'pause'});
  ctx.store.save(c);
  emit(ctx, c, 'pause');
}

export async function unpause(ctx: ContainerContext, ref: string): Promise<void> {
  const c = ctx.store.get(ref);
  checkUnpause(c);
  await ctx.runtime.resume(c.ID);
  // An exit while thawing has made it exited already, and not paused.
  if (can(c.State, 'unpause')) apply(c, {type: 'unpause'});
  ctx.store.save(c);
  emit(ctx, c, 'unpause');
}
