import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {processAlive as alive} from '../../common/process-alive.js';

const POLL_MS = 500;


/**
 * Runs fn while holding a lock file, so two processes do not both spend a minute building the
 * same image into the same cache. A lock whose owner process is gone is taken over.
 */
export async function withLock<T>(file: string, onWait: () => void, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(file), {recursive: true});
  let waited = false;
  for (;;) {
    try {
      await writeFile(file, String(process.pid), {flag: 'wx'});
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    // An empty file is a lock being written right now; only a named, dead owner is stale.
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && !alive(owner)) {
      await rm(file, {force: true});
      continue;
    }
    if (!waited) onWait();
    waited = true;
    await sleep(POLL_MS);
  }
  try {
    return await fn();
  } finally {
    await rm(file, {force: true});
  }
}
