// Starting the two engines a bench compares, each a private instance below the scratch dir: the real dockerd
// and labd. Each is registered with the session as soon as it is up, so cleanup stops it whatever happens next.
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {mustDocker} from './docker-cli.mjs';
import {startDockerd} from './dockerd.mjs';
import {startLabd} from './labd.mjs';
import {engineDist, outDir} from './paths.mjs';
import {log} from './proc.mjs';
import {session} from './session.mjs';

/** Root and a built dist/ are needed by every engine bench. */
export function checkPrerequisites() {
  if (process.getuid?.() !== 0) throw new Error('run this as root: both engines mount filesystems and run containers');
  if (!existsSync(join(engineDist(), 'daemon', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
}

/** The daemon's log file, also for a labd started by `lab engine start`. */
export const logFileOf = (e) => e.logFile ?? (e.runDir && join(e.runDir, 'labd.log'));

async function describe(e) {
  e.version = (await mustDocker(e, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'])).stdout.trim();
  const info = (await mustDocker(e, ['info', '--format', '{{.CgroupDriver}} {{.CgroupVersion}} {{.DefaultRuntime}} {{.Driver}}'])).stdout.trim().split(' ');
  e.info = {cgroupDriver: info[0], cgroupVersion: info[1], runtime: info[2], storage: info[3]};
}

/**
 * Starts the engines named in `names` (dockerd first, with `dockerdArgs` appended to its command line; labd
 * under `node --cpu-prof` with `cpuProf`, straight under node with `labdNodeArgs` and `labdEnv`, `labdNote`
 * saying why in the progress line) and returns them, labd first. Each gets `version` and `info`.
 */
export async function startEngines(names, {cpuProf = false, dockerdArgs = [], labdNodeArgs = [], labdEnv, labdNote} = {}) {
  const engines = [];
  if (names.includes('dockerd')) {
    log(`starting dockerd${dockerdArgs.length ? ` (also ${dockerdArgs.join(' ')})` : ''} ...`);
    const e = await startDockerd(session.dir, {extraArgs: dockerdArgs});
    session.engines.push(e);
    engines.push(e);
    await describe(e);
    log(`dockerd ${e.version} up, pid ${e.pid}, containerd pid ${e.containerdPid}; ${e.info.cgroupDriver} v${e.info.cgroupVersion}, ${e.info.runtime}, ${e.info.storage}`);
  }
  if (names.includes('labd')) {
    const note = labdNote ?? (labdNodeArgs.length ? `with node ${labdNodeArgs.join(' ')}` : '');
    log(`starting labd${cpuProf ? ' under --cpu-prof' : ''}${note ? ` ${note}` : ''} ...`);
    const e = await startLabd(session.dir, {cpuProf: cpuProf ? join(outDir, 'prof') : undefined, nodeArgs: labdNodeArgs, env: labdEnv});
    session.engines.push(e);
    engines.push(e);
    await describe(e);
    log(`labd ${e.version} up, pid ${e.pid}`);
  }
  return engines.sort((a, b) => (a.name === 'labd' ? -1 : b.name === 'labd' ? 1 : 0));
}
