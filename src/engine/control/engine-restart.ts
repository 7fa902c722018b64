/**
 * `lab engine restart`, the analogue of `systemctl restart docker`: stop the engine, then start it again the way
 * it was last started, re-reading its service options file (DOCKER_OPTS) and daemon.json. As with systemd, a
 * configuration the daemon refuses leaves it stopped, with the daemon's own reason.
 */
import {ConfigError} from '../config/daemon-config.js';
import {readServiceOptions} from '../config/options-file.js';
import {readServiceRecord, readState, startEngineProcess, stopEngineProcess, type EngineOptions, type EngineState} from './engine-process.js';

export class RestartError extends Error {
  override name = 'RestartError';
}

/**
 * How to start again: as last time; or, with an options file named now (after a reboot emptied the run dir, or to
 * turn a plain engine into a service), from that file's flags alone, as a service manager would.
 */
function optionsOf(execRoot: string, optionsFile?: string): EngineOptions {
  if (optionsFile) return {hosts: [], optionsFile};
  const record = readServiceRecord(execRoot);
  if (record) return record;
  const state = readState(execRoot);
  if (state) return {hosts: state.hosts, dataRoot: state.dataRoot, execRoot: state.execRoot, configFile: state.configFile, logLevel: state.logLevel, optionsFile: state.optionsFile};
  throw new RestartError(`no engine was started with exec-root ${execRoot}: nothing to restart (start one with: lab engine start, or name its options file: lab engine restart --options-file /etc/default/docker)`);
}

/** What to tell someone whose daemon refused its configuration: where each half of a conflict lives. */
function explain(error: Error, options: EngineOptions): string {
  const lines = [`the engine did not start again: ${error.message}`];
  if (error instanceof ConfigError && /specified both as a flag and in the configuration file/.test(error.message) && options.optionsFile) {
    let flags = '';
    try {
      flags = readServiceOptions(options.optionsFile).argv.join(' ');
    } catch {
      // the file became unreadable: the message above already says what the daemon saw
    }
    lines.push(
      `The flags come from DOCKER_OPTS in ${options.optionsFile}${flags ? ` (${flags})` : ''}; a directive may be set there or in daemon.json, not in both.`,
      'Move the setting into daemon.json (e.g. every address into "hosts") and remove it from DOCKER_OPTS, then run lab engine restart again.',
    );
  }
  lines.push('The engine is stopped until it starts successfully.');
  return lines.join('\n');
}

export async function restartEngineProcess(execRoot: string, optionsFile?: string): Promise<{stopped?: EngineState; started: EngineState}> {
  const options = optionsOf(execRoot, optionsFile);
  const stopped = await stopEngineProcess(execRoot);
  try {
    return {stopped, started: await startEngineProcess(options)};
  } catch (error) {
    throw new RestartError(explain(error as Error, options));
  }
}
