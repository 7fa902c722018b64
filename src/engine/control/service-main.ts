/**
 * The engine as a boot-time service: what `lab engine start --options-file FILE` does, without the CLI around it
 * (which costs seconds of start-up in an emulated VM). Started by the lab VM's init; `lab engine status|restart`
 * see the engine it started as theirs.
 *   node dist/bundle/engine-service.mjs [OPTIONS_FILE]     (default /etc/default/docker)
 */
import {startEngineProcess} from './engine-process.js';

const optionsFile = process.argv[2] ?? '/etc/default/docker';
try {
  // At boot the whole machine starts at once: give the daemon longer than an interactive start.
  const state = await startEngineProcess({hosts: [], optionsFile}, 150_000);
  process.stdout.write(`engine running (pid ${state.pid}), flags from ${optionsFile}, log in ${state.logFile}\n`);
} catch (error) {
  process.stderr.write(`the engine did not start: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
