// Starting a daemon the bench supervises itself: detached, its output in a log file, up once the docker CLI
// gets an answer from it.
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {createWriteStream} from 'node:fs';
import {docker} from './docker-cli.mjs';
import {tail, terminate, waitFor} from './proc.mjs';

/** Spawns `cmd args` and waits until `docker version` against `engine` answers; returns the child's pid. */
export async function spawnDaemon(engine, cmd, args, {logFile, env = process.env, timeoutMs}) {
  const out = createWriteStream(logFile);
  await once(out, 'open');
  const child = spawn(cmd, args, {stdio: ['ignore', out, out], detached: true, env});
  let exited = null;
  child.on('exit', (code) => (exited = code ?? 1));
  try {
    await waitFor(engine.name, timeoutMs, async () => {
      // A daemon that died at start-up is reported with the end of its log, not after the whole timeout.
      if (exited !== null) throw new Error(`${engine.name} exited (${exited}) at start-up:\n${tail(logFile)}`);
      return (await docker(engine, ['version'])).code === 0;
    });
  } catch (error) {
    // Not yet among the session's engines, so cleanup would not stop it.
    await terminate(child.pid);
    throw error;
  }
  return child.pid;
}
