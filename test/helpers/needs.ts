/**
 * A test that this machine cannot run is skipped, never passed: it is registered with `test.skip` and the
 * unmet need in its title, which ava prints among the skipped tests ("… (skipped: needs root)").
 */
import {accessSync, constants} from 'node:fs';
import {join} from 'node:path';
import test, {type Implementation} from 'ava';

type Register = (title: string, implementation: Implementation<[]>) => void;

export const isRoot = process.getuid?.() === 0;

/** Debian keeps admin tools in sbin, which a user's PATH may leave out. */
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Whether an executable of that name is on PATH or in the system's bin and sbin folders. */
export function hasCommand(name: string): boolean {
  const dirs = new Set([...(process.env.PATH ?? '').split(':'), ...SYSTEM_PATH.split(':')]);
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this one
    }
  }
  return false;
}

/**
 * `register` (test, test.serial) when every need holds here; otherwise one that registers the test skipped,
 * its title ending in the first unmet need. Needs are named by what is missing: `{'needs root': isRoot}`.
 */
export function when(needs: Record<string, boolean>, register: Register = test): Register {
  const unmet = Object.entries(needs).find(([, met]) => !met)?.[0];
  if (unmet === undefined) return register;
  return (title, implementation) => test.skip(`${title} (skipped: ${unmet})`, implementation);
}
