/**
 * Removing a directory tree off the request path: it is renamed into the data-root's tmp dir (instant, same
 * filesystem) and deleted in the background. Whatever a crash leaves there is emptied at the next start-up.
 */
import {randomBytes} from './random.js';
import {renameSync, rmSync} from 'node:fs';
import {rm} from 'node:fs/promises';
import {join} from 'node:path';

export function discardDir(dir: string, tmpRoot: string): void {
  const trash = join(tmpRoot, `trash-${randomBytes(6).toString('hex')}`);
  try {
    renameSync(dir, trash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    rmSync(dir, {recursive: true, force: true});
    return;
  }
  void rm(trash, {recursive: true, force: true}).catch(() => undefined);
}
