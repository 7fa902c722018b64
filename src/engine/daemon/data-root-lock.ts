/**
 * One daemon per data-root, as with dockerd (whose stores hold locks in the data-root): a kernel lock (flock) on
 * a file in the data-root, held as long as this process has the file open. The kernel drops it when the daemon
 * ends, however it ends (kill -9 included), so a stale lock never blocks a restart; the shims, which outlive the
 * daemon, do not inherit the file (Node opens it close-on-exec).
 */
import {spawnSync} from 'node:child_process';
import {closeSync, mkdirSync, openSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {ConfigError} from '../config/daemon-config.js';

export const LOCK_FILE = 'labd.lock';

/** Locks the data-root for this process; the returned function lets go (at shutdown). */
export function lockDataRoot(dataRoot: string): () => void {
  mkdirSync(dataRoot, {recursive: true, mode: 0o710});
  const path = join(dataRoot, LOCK_FILE);
  // Opened without truncating: until the lock is ours, the file names the daemon that holds it.
  const fd = openSync(path, 'a+', 0o600);
  // flock(1) locks the open file this process hands it as fd 3 and exits; the lock stays with that open file.
  const r = spawnSync('flock', ['--exclusive', '--nonblock', '3'], {stdio: ['ignore', 'ignore', 'pipe', fd]});
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    closeSync(fd);
    throw new ConfigError(`cannot lock ${path}: ${r.error?.message ?? r.stderr.toString().trim()}`);
  }
  if (r.status === 1) {
    const holder = readFileSync(path, 'utf8').trim();
    closeSync(fd);
    const who = /^\d+$/.test(holder) ? `process ${holder}` : 'another process';
    throw new ConfigError(
      `data-root ${dataRoot} is in use by another daemon: ${who} holds the lock on ${path}; stop that daemon or choose another --data-root`,
    );
  }
  writeFileSync(path, `${process.pid}\n`);
  return () => closeSync(fd);
}
