/**
 * The engine service's configuration as a lab found it: the options file (DOCKER_OPTS) and daemon.json. A lab
 * like arch has the student edit both, and a daemon that will not start again is a likely outcome; `lab reset`
 * puts them back as they were at `lab start` and restarts the engine from them.
 */
import type {Exercise} from '../exercises/types.js';
import type {Environment} from '../../environment/environment.js';
import {labCommandIn} from '../providers/package-in-env.js';
import {run, type Progress} from './prepare.js';

/** The engine's own default: where students write daemon.json in the seeds. */
export const DAEMON_JSON = '/etc/docker/daemon.json';

/** Each file's content, or null when it did not exist. */
export type ServiceFiles = Record<string, string | null>;

export async function readServiceFiles(env: Environment, service: NonNullable<Exercise['service']>): Promise<ServiceFiles> {
  const files: ServiceFiles = {};
  for (const path of [service.optionsFile, DAEMON_JSON]) {
    try {
      files[path] = String(await env.readFile(path));
    } catch {
      files[path] = null;
    }
  }
  return files;
}

/** Writes the files back (removes the ones that were not there) and restarts the engine from them. */
export async function restoreServiceFiles(env: Environment, files: ServiceFiles, progress: Progress): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    progress(content === null ? `removing ${path} (it was not there when the lab started)` : `restoring ${path}`);
    if (content === null) await run(env, ['rm', '-f', '--', path], `removing ${path}`);
    else await env.writeFile(path, Buffer.from(content), 0o644);
  }
  // The engine may be running with the student's settings, or not at all: stop it either way, so the next
  // start reads the restored files.
  await run(env, [...labCommandIn(env), 'engine', 'stop'], 'stopping the engine');
}
