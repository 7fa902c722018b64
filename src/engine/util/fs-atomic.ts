/** Writes that are all-or-nothing: a crash leaves the old file or the new one, never half of either. */
import {randomBytes} from './random.js';
import {closeSync, fsyncSync, openSync, renameSync, writeSync, rmSync} from 'node:fs';
import {dirname, join, basename} from 'node:path';

/**
 * With `sync: false` the file is still replaced whole (rename), but not fsynced: for derived copies the engine
 * never reads back, where an fsync would only add latency.
 */
export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600, {sync = true} = {}): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (sync) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, {force: true});
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
