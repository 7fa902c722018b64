/** `docker container prune`: the given stopped containers removed, and the space their writable layers held. */
import type {ContainerContext} from './context.js';
import type {ContainerRecord} from '../model/container.js';
import {containerSizes} from './size.js';

export async function prune(ctx: ContainerContext, candidates: ContainerRecord[]): Promise<{deleted: string[]; reclaimed: number}> {
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const c of candidates) {
    if (c.State.Running) continue;
    // Measured before the removal, as dockerd does: what the container's own layer held is what is freed.
    const {SizeRw} = await containerSizes(c, ctx.images);
    await ctx.remove(c.ID, {force: false});
    reclaimed += SizeRw;
    deleted.push(c.ID);
  }
  return {deleted, reclaimed};
}
