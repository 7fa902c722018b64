// A private instance of the real dockerd (Debian's docker.io) on its own data-root, exec-root, socket and
// containerd namespaces, with a containerd of its own.
import {spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {createWriteStream, existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {log, readPid, terminate, waitFor} from './proc.mjs';
import {spawnDaemon} from './spawn-daemon.mjs';

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

/** A private dockerd below `dir`; `extraArgs` are appended to its command line. */
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
  try {
    engine.pid = await spawnDaemon(engine, '/usr/sbin/dockerd', args, {logFile: engine.logFile, timeoutMs: 60_000});
  } catch (error) {
    await terminate(engine.containerd?.pid);
    throw error;
  }
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
