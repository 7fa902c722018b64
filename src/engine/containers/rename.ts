/** `docker rename`: the new name checked and claimed, the old one given up. */
import {conflict} from '../errors.js';
import {emit, type ContainerContext} from './context.js';
import {checkName} from './names.js';

export function rename(ctx: ContainerContext, ref: string, newName: string): void {
  const c = ctx.store.get(ref);
  const name = checkName(newName);
  if (`/${name}` === c.Name) throw conflict(`Renaming a container with the same name as its current name`);
  ctx.store.claimName(name, c.ID);
  const old = c.Name;
  c.Name = `/${name}`;
  ctx.store.save(c);
  emit(ctx, c, 'rename', {oldName: old});
}
