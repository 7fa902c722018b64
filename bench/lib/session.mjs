// The run's scratch dir and its cleanup: one temp dir holds both engines; cleanup stops the daemons, unmounts
// whatever is left below the dir and removes it, also on failure and on Ctrl-C.
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {log, mountsUnder, run} from './proc.mjs';

/**
 * The run's shared state. `engines` are stopped in reverse order of start; `beforeStop` holds async steps run
 * before that (removing containers, say), `afterStop` steps run once the daemons are gone and before the
 * scratch dir is unmounted and removed (ending what the daemons left running, say).
 */
export const session = {dir: undefined, cliEnv: process.env, engines: [], beforeStop: [], afterStop: [], cleaning: undefined, interrupted: false};

/** Makes the scratch dir (under `parent`, or the OS temp dir) and a private DOCKER_CONFIG for the CLI. */
export function openScratch(parent, prefix = 'lab-bench-') {
  const base = parent ? resolve(parent) : tmpdir();
  mkdirSync(base, {recursive: true});
  session.dir = mkdtempSync(join(base, prefix));
  const env = {...process.env, DOCKER_CONFIG: join(session.dir, 'cli-config')};
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  mkdirSync(env.DOCKER_CONFIG);
  session.cliEnv = env;
  return session.dir;
}

async function runSteps(steps) {
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      log(`cleanup: ${error.message}`);
    }
  }
}

/** Stops the daemons (between the `beforeStop` and `afterStop` steps), unmounts what is left below the scratch dir, removes it. */
export function cleanup() {
  session.cleaning ??= (async () => {
    await runSteps(session.beforeStop);
    for (const engine of session.engines.reverse()) {
      try {
        await engine.stop();
      } catch (error) {
        log(`stopping ${engine.name}: ${error.message}`);
      }
    }
    await runSteps(session.afterStop);
    if (!session.dir) return;
    for (const point of mountsUnder(session.dir)) {
      const r = await run('umount', [point]);
      if (r.code !== 0) await run('umount', ['-l', point]);
    }
    const left = mountsUnder(session.dir);
    if (left.length > 0) log(`still mounted, not removing ${session.dir}: ${left.join(', ')}`);
    else rmSync(session.dir, {recursive: true, force: true});
  })();
  return session.cleaning;
}

/** On SIGINT or SIGTERM: clean up, then exit 130. */
export function cleanupOnSignals() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (session.interrupted) return;
      session.interrupted = true;
      log(`${signal}: stopping the daemons and removing the scratch dir ...`);
      cleanup().finally(() => process.exit(130));
    });
  }
}
