/**
 * One private engine for a whole `lab homework check` run: its own data-root, exec-root and unix socket in a
 * temp dir, as `lab exercise test` does. Stopped and removed at the end — also on an error, Ctrl-C or SIGTERM.
 */
import {spawnSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {EngineClient} from '../../engine/client/index.js';
import {makePrivateEngine, type PrivateEngine} from '../../engine/control/private-engine.js';
import {makeParentCgroup, type ParentCgroup} from './parent-cgroup.js';

export interface Sandbox {
  dir: string;
  socket: string;
  /** The engine's API, for what the docker CLI does not print (exit state, processes, image layers). */
  engine: EngineClient;
  /** Environment for the docker CLI: this engine, the classic builder, a config of its own. */
  env: Record<string, string>;
  /** Aborted on Ctrl-C or SIGTERM: no further student is checked, no half-checked one is graded. */
  signal: AbortSignal;
  /** A fresh empty folder for one student's build context. */
  contextDir(name: string): string;
}

/** Removes every container and image but the base images (`keep`: their IDs), ready for the next student. */
export async function emptyEngine(sandbox: Sandbox, keep: readonly string[] = []): Promise<void> {
  const containers = await sandbox.engine.listContainers({all: true});
  if (containers.length) spawnSync('docker', ['rm', '-f', ...containers.map((c) => c.Id)], {env: {...process.env, ...sandbox.env}, stdio: 'ignore', timeout: 60_000});
  const images = (await sandbox.engine.listImages({all: true})).filter((i) => !keep.includes(i.Id));
  if (images.length) spawnSync('docker', ['rmi', '-f', ...images.map((i) => i.Id)], {env: {...process.env, ...sandbox.env}, stdio: 'ignore', timeout: 60_000});
}

async function teardown(engine: PrivateEngine, cgroup: ParentCgroup | undefined): Promise<void> {
  const {stopRegistry} = await import('../registry/index.js');
  await stopRegistry(join(engine.dir, 'registry')).catch(() => undefined);
  await engine.dispose();
  cgroup?.remove();
}

/** Limits for the whole sandbox together (every container and build step of the run). */
export interface SandboxLimits {
  memoryBytes: number;
  pids: number;
}

/**
 * `registryImages`: recipes served by a course registry of the sandbox's own (in its dir, stopped with it) that is
 * the engine's mirror, so a submission's FROM of a course image (multi-stage too) resolves as in the lab.
 */
export async function withSandbox<T>(limits: SandboxLimits, progress: (m: string) => void, work: (sandbox: Sandbox) => Promise<T>, registryImages: string[] = []): Promise<T> {
  const engine = makePrivateEngine({prefix: 'lab-homework-'});
  const {dir, socket} = engine;
  const env = {...engine.dockerEnv, DOCKER_CLI_HINTS: 'false'};
  const abort = new AbortController();
  let done: Promise<void> | undefined;
  let cgroup: ParentCgroup | undefined;
  const cleanup = () => (done ??= teardown(engine, cgroup));
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
    writeFileSync(engine.configFile, JSON.stringify({'cgroup-parent': cgroup.path}));
    if (registryImages.length > 0) {
      const {ensureCourseRegistry} = await import('../registry/index.js');
      await ensureCourseRegistry({dir: join(dir, 'registry'), images: registryImages, daemonJson: engine.configFile, progress});
    }
    mkdirSync(join(dir, 'contexts'));
    progress(`starting a private engine in ${dir} under the cgroup ${cgroup.path}`);
    await engine.start();
    let n = 0;
    const contextDir = (name: string) => join(dir, 'contexts', `${++n}-${name}`);
    return await work({dir, socket, engine: engine.client, env, signal: abort.signal, contextDir});
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
