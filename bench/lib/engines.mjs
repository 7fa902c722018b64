// The two engines the benches compare, each a private instance on its own dirs and socket: the real dockerd
// (Debian's docker.io, with a containerd of its own) and labd. One scratch dir holds both; cleanup stops the
// daemons, unmounts whatever is left below the dir and removes it, also on failure and on Ctrl-C.
import {spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {log, mountsUnder, must, readPid, run, tail, terminate, waitFor} from './proc.mjs';

export const root = resolve(fileURLToPath(import.meta.url), '../../..');
export const outDir = join(root, 'bench', 'out');
/** Where the compiled engine lives: dist/src/engine (rootDir "."), or dist/engine in the older layout. */
export function engineDist() {
  const nested = join(root, 'dist', 'src', 'engine');
  return existsSync(nested) ? nested : join(root, 'dist', 'engine');
}

export const dockerCli = existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : 'docker';

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

export const docker = (engine, args, options = {}) => run(dockerCli, ['-H', options.host ?? engine.host, ...args], {env: session.cliEnv, ...options});
export const mustDocker = (engine, args, options = {}) => must(dockerCli, ['-H', options.host ?? engine.host, ...args], {env: session.cliEnv, ...options});

function ensureDockerd() {
  if (existsSync('/usr/sbin/dockerd')) return;
  log('/usr/sbin/dockerd is missing: installing Debian\'s docker.io (its service is not started) ...');
  const env = {...process.env, DEBIAN_FRONTEND: 'noninteractive'};
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'docker.io']]) {
    const r = spawnSync('apt-get', args, {env, stdio: ['ignore', 'inherit', 'inherit']});
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status})`);
  }
  if (!existsSync('/usr/sbin/dockerd')) throw new Error('docker.io is installed but /usr/sbin/dockerd is still missing');
}

/** A private dockerd; `extraArgs` are appended to its command line. */
export async function startDockerd(dir, {extraArgs = []} = {}) {
  ensureDockerd();
  const base = join(dir, 'dockerd');
  mkdirSync(base, {recursive: true});
  const engine = {
    name: 'dockerd',
    dir: base,
    sock: join(base, 'docker.sock'),
    pidfile: join(base, 'docker.pid'),
    logFile: join(base, 'dockerd.log'),
  };
  engine.host = `unix://${engine.sock}`;
  const args = [
    '--data-root', join(base, 'docker-data'), '--exec-root', join(base, 'docker-exec'), '--pidfile', engine.pidfile,
    '-H', engine.host, '--bridge=none', '--iptables=false', '--ip6tables=false',
    '--containerd-namespace', 'bench', '--containerd-plugins-namespace', 'bench-plugins', ...extraArgs,
  ];
  // Without --containerd (and with no /run/containerd/containerd.sock), dockerd supervises a containerd of its
  // own whose root and state live under --data-root and --exec-root; refuse to share a system one.
  if (existsSync('/run/containerd/containerd.sock')) {
    log('a system containerd answers at /run/containerd; giving dockerd its own one');
    engine.containerd = await startContainerd(base);
    args.push('--containerd', engine.containerd.sock);
  }
  const out = createWriteStream(engine.logFile);
  await once(out, 'open');
  const child = spawn('/usr/sbin/dockerd', args, {stdio: ['ignore', out, out], detached: true});
  engine.pid = child.pid;
  let exited = null;
  child.on('exit', (code) => (exited = code ?? 1));
  await waitFor('dockerd', 60_000, async () => {
    if (exited !== null) throw new Error(`dockerd exited (${exited}) at start-up:\n${tail(engine.logFile)}`);
    return (await docker(engine, ['version'])).code === 0;
  });
  engine.containerdPid = engine.containerd?.pid ?? readPid(join(base, 'docker-exec', 'containerd', 'containerd.pid'));
  engine.pids = () => ({dockerd: engine.pid, containerd: engine.containerdPid});
  engine.stop = async () => {
    await terminate(engine.pid);
    // The supervised containerd exits with dockerd; make sure of it.
    await terminate(engine.containerdPid);
  };
  return engine;
}

async function startContainerd(base) {
  const dir = join(base, 'containerd');
  mkdirSync(dir, {recursive: true});
  const sock = join(dir, 'containerd.sock');
  const config = [
    'version = 2',
    `root = "${join(dir, 'root')}"`,
    `state = "${join(dir, 'state')}"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = "${sock}"`,
    '[ttrpc]',
    `  address = "${sock}.ttrpc"`,
    '[debug]',
    `  address = "${join(dir, 'debug.sock')}"`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'config.toml'), config);
  const out = createWriteStream(join(dir, 'containerd.log'));
  await once(out, 'open');
  const child = spawn('containerd', ['--config', join(dir, 'config.toml')], {stdio: ['ignore', out, out], detached: true});
  await waitFor('containerd', 30_000, () => existsSync(sock));
  return {pid: child.pid, sock};
}

/**
 * A private labd, started with `lab engine start` on an empty daemon.json. With `cpuProf` (a directory) or
 * `nodeArgs`, bin/labd.js is run straight under node with those flags instead, so a profiler or a preloaded
 * module sees the daemon itself; a CPU profile is written when it exits on SIGTERM.
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
    const logFile = join(runDir, 'labd.log');
    const out = createWriteStream(logFile);
    await once(out, 'open');
    const child = spawn(process.execPath, [...flags, join(root, 'bin', 'labd.js'), ...daemonArgs, '--pidfile', join(runDir, 'labd.pid')], {
      stdio: ['ignore', out, out],
      detached: true,
      env: env ?? process.env,
    });
    engine.pid = child.pid;
    let exited = null;
    child.on('exit', (code) => (exited = code ?? 1));
    await waitFor('labd', 30_000, async () => {
      if (exited !== null) throw new Error(`labd exited (${exited}) at start-up:\n${tail(logFile)}`);
      return (await docker(engine, ['version'])).code === 0;
    });
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
