/** `docker rename`: the new name checked and claimed, the old one given up. */
import {conflict, EngineError} from '../errors.js';
import {emit, type ContainerContext} from './context.js';
import {checkName} from './names.js';

/** dockerd's words for a new name it cannot take: the reason behind "Error when allocating new name". */
function allocating<T>(claim: () => T): T {
  try {
    return claim();
  } catch (error) {
    if (error instanceof EngineError) throw new EngineError(error.kind, `Error when allocating new name: ${error.message}`);
    throw error;
  }
}

export function rename(ctx: ContainerContext, ref: string, newName: string): void {
  const c = ctx.store.get(ref);
  // dockerd checks the name with its leading slash, and says so in its refusal.
  const name = allocating(() => checkName(`/${newName.replace(/^\//, '')}`));
  if (`/${name}` === c.Name) throw conflict(`Renaming a container with the same name as its current name`);
  allocating(() => ctx.store.claimName(name, c.ID));
  const old = c.Name;
  c.Name = `/${name}`;
  ctx.store.save(c);
  emit(ctx, c, 'rename', {oldName: old});
}
