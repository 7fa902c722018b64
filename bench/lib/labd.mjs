// A private labd on its own data-root, exec-root, socket and an empty daemon.json.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {root} from './paths.mjs';
import {log, must, run, terminate} from './proc.mjs';
import {spawnDaemon} from './spawn-daemon.mjs';

/**
 * Started with `lab engine start`. With `cpuProf` (a directory) or `nodeArgs`, bin/labd.js is run straight
 * under node with those flags instead, so a profiler or a preloaded module sees the daemon itself; a CPU
 * profile is written when it exits on SIGTERM.
 */
export async function startLabd(dir, {cpuProf, nodeArgs = [], env} = {}) {
  const base = join(dir, 'labd');
  const runDir = join(base, 'run');
  mkdirSync(runDir, {recursive: true});
  const configFile = join(base, 'daemon.json');
  writeFileSync(configFile, '{}\n');
  const engine = {name: 'labd', dir: base, sock: join(runDir, 'docker.sock'), runDir, dataRoot: join(base, 'data')};
  engine.host = `unix://${engine.sock}`;
  const daemonArgs = ['--data-root', engine.dataRoot, '--exec-root', runDir, '-H', engine.host, '--config-file', configFile];
  if (cpuProf || nodeArgs.length > 0) {
    const flags = [...nodeArgs];
    if (cpuProf) {
      engine.profDir = cpuProf;
      mkdirSync(engine.profDir, {recursive: true});
      engine.profStart = Date.now();
      engine.windows = [];
      flags.push('--cpu-prof', '--cpu-prof-dir', engine.profDir);
    }
    const entry = cpuProf ? join(root, 'bench', 'lib', 'labd-unbundled.mjs') : join(root, 'bin', 'labd.js');
    const args = [...flags, entry, ...daemonArgs, '--pidfile', join(runDir, 'labd.pid')];
    engine.pid = await spawnDaemon(engine, process.execPath, args, {logFile: join(runDir, 'labd.log'), env: env ?? process.env, timeoutMs: 30_000});
    engine.stop = () => terminate(engine.pid);
  } else {
    await must(process.execPath, [join(root, 'bin', 'run.js'), 'engine', 'start', ...daemonArgs]);
    // `lab engine start` records the daemon it started in <exec-root>/labd.json.
    engine.pid = JSON.parse(readFileSync(join(runDir, 'labd.json'), 'utf8')).pid;
    engine.stop = async () => {
      const r = await run(process.execPath, [join(root, 'bin', 'run.js'), 'engine', 'stop', '--exec-root', runDir]);
      if (r.code !== 0) log(`lab engine stop: ${(r.stderr || r.stdout).trim()}`);
      await terminate(engine.pid);
    };
  }
  engine.pids = () => ({labd: engine.pid});
  return engine;
}
