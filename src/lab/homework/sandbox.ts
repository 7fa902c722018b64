/**
 * One private engine for a whole `lab homework check` run: its own data-root, exec-root and unix socket in a
 * temp dir, as `lab exercise test` does. Stopped and removed at the end — also on an error, Ctrl-C or SIGTERM.
 */
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {mountsBelow} from '../../common/mount-table.js';
import {startEngineProcess, stopEngineProcess} from '../../engine/control/engine-process.js';
import {engineGet} from './docker.js';
import {makeParentCgroup, type ParentCgroup} from './parent-cgroup.js';

export interface Sandbox {
  dir: string;
  socket: string;
  /** Environment for the docker CLI: this engine, the classic builder, a config of its own. */
  env: Record<string, string>;
  /** Aborted on Ctrl-C or SIGTERM: no further student is checked, no half-checked one is graded. */
  signal: AbortSignal;
  /** A fresh empty folder for one student's build context. */
  contextDir(name: string): string;
}

/** Removes every container and image the engine holds: what one student left before the next one starts. */
/** Removes every container and image but the base images (`keep`: their IDs), ready for the next student. */
export async function emptyEngine(sandbox: Sandbox, keep: readonly string[] = []): Promise<void> {
  const containers = (await engineGet<Array<{Id: string}>>(sandbox.socket, '/containers/json?all=1')) ?? [];
  if (containers.length) spawnSync('docker', ['rm', '-f', ...containers.map((c) => c.Id)], {env: {...process.env, ...sandbox.env}, stdio: 'ignore', timeout: 60_000});
  const images = ((await engineGet<Array<{Id: string}>>(sandbox.socket, '/images/json?all=1')) ?? []).filter((i) => !keep.includes(i.Id));
  if (images.length) spawnSync('docker', ['rmi', '-f', ...images.map((i) => i.Id)], {env: {...process.env, ...sandbox.env}, stdio: 'ignore', timeout: 60_000});
}

function teardown(dir: string, run: string, env: Record<string, string>, cgroup: ParentCgroup | undefined): Promise<void> {
  // Containers outlive their engine (their shims hold them): they go before it does.
  spawnSync('sh', ['-c', 'docker ps -aq | xargs -r docker rm -f'], {env: {...process.env, ...env}, stdio: 'ignore', timeout: 60_000});
  return stopEngineProcess(run).catch(() => undefined).then(() => {
    for (const point of mountsBelow(dir)) spawnSync('umount', ['-l', point]);
    rmSync(dir, {recursive: true, force: true});
    cgroup?.remove();
  });
}

/** Limits for the whole sandbox together (every container and build step of the run). */
export interface SandboxLimits {
  memoryBytes: number;
  pids: number;
}

export async function withSandbox<T>(limits: SandboxLimits, progress: (m: string) => void, work: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-homework-'));
  const run = join(dir, 'run');
  const socket = join(run, 'docker.sock');
  const env = {DOCKER_HOST: `unix://${socket}`, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(dir, 'docker-config'), DOCKER_CLI_HINTS: 'false'};
  const abort = new AbortController();
  let done: Promise<void> | undefined;
  let cgroup: ParentCgroup | undefined;
  const cleanup = () => (done ??= teardown(dir, run, env, cgroup));
  let stopping = false;
  // A second Ctrl-C while the sandbox is being removed must not kill us half-way and leave its mounts behind.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`${signal}: still removing ${dir}, one moment\n`);
      return;
    }
    stopping = true;
    abort.abort();
    process.stderr.write(`\n${signal}: stopping the sandbox engine and removing ${dir}\n`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    cgroup = makeParentCgroup(limits);
    writeFileSync(join(dir, 'daemon.json'), JSON.stringify({'cgroup-parent': cgroup.path}));
    mkdirSync(join(dir, 'contexts'));
    progress(`starting a private engine in ${dir} under the cgroup ${cgroup.path}`);
    await startEngineProcess({dataRoot: join(dir, 'data'), execRoot: run, hosts: [env.DOCKER_HOST], configFile: join(dir, 'daemon.json')});
    let n = 0;
    const contextDir = (name: string) => join(dir, 'contexts', `${++n}-${name}`);
    return await work({dir, socket, env, signal: abort.signal, contextDir});
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
