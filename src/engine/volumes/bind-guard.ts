/**
 * Binds this engine refuses: the host's root and the engine's own state. With either, a container (and
 * so anyone who may run one) owns the host or the engine. Docker allows both; here a teacher has to opt in
 * with `"allow-dangerous-binds": true` in daemon.json.
 */
import {realpathSync} from 'node:fs';
import {basename, dirname, posix} from 'node:path';
import {invalidArgument} from '../errors.js';

export interface BindGuard {
  dataRoot: string;
  execRoot: string;
  allowDangerousBinds: boolean;
}

/** The real path a bind would use, resolving symlinks up to the nearest existing ancestor (-v creates the rest). */
export function realHostPath(path: string): string {
  const clean = posix.normalize(path);
  try {
    return realpathSync(clean);
  } catch {
    const parent = dirname(clean);
    return parent === clean ? clean : posix.join(realHostPath(parent), basename(clean));
  }
}

const within = (path: string, root: string) => path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);

export function checkBindSource(source: string, guard: BindGuard): void {
  if (guard.allowDangerousBinds) return;
  const real = realHostPath(source);
  const hint = 'set "allow-dangerous-binds": true in daemon.json to allow it';
  if (real === '/') throw invalidArgument(`binding / into a container gives it the host: refused by this lab engine (${hint})`);
  for (const [what, root] of [['data-root', guard.dataRoot], ['exec-root', guard.execRoot]] as const) {
    if (within(real, realHostPath(root))) {
      throw invalidArgument(`binding ${source} into a container gives it the engine's ${what} (${root}), and with it every container and image: refused by this lab engine (${hint})`);
    }
  }
}
