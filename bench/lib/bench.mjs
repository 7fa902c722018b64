// Running an engine bench from start to end: its main, then the cleanup (containers removed, daemons stopped,
// leftovers reaped, scratch dir unmounted and removed), also on failure and on Ctrl-C.
import {copyFileSync, existsSync} from 'node:fs';
import {join} from 'node:path';
import {logFileOf} from './engines.mjs';
import {reapLeftovers, removeAllContainers} from './leftovers.mjs';
import {outDir} from './paths.mjs';
import {log} from './proc.mjs';
import {cleanup, cleanupOnSignals, session} from './session.mjs';

/** The daemons' logs outlive the scratch dir when a run fails: bench/out/<bench>-<engine>.log. */
function keepLogs(bench) {
  for (const e of session.engines) {
    const file = logFileOf(e);
    if (!file || !existsSync(file)) continue;
    const kept = join(outDir, `${bench}-${e.name}.log`);
    try {
      copyFileSync(file, kept);
      log(`${e.name}'s log: ${kept}`);
    } catch {
      // nothing to keep
    }
  }
}

/** Runs `main`, which resolves false when some runs failed (exit status 1, as for an error). */
export async function runBench(bench, main) {
  cleanupOnSignals();
  session.beforeStop.push(removeAllContainers);
  session.afterStop.push(reapLeftovers);
  let exitCode = 0;
  try {
    if (!(await main())) exitCode = 1;
  } catch (error) {
    // After a signal, whatever was running fails because its daemon went away: not worth reporting.
    if (!session.interrupted) {
      log(`failed: ${error.stack ?? error}`);
      keepLogs(bench);
    }
    exitCode = 1;
  } finally {
    await cleanup();
  }
  process.exitCode = exitCode;
}
