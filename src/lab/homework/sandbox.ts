/**
 * One private engine for a whole `lab homework check` run: its own data-root, exec-root and unix socket in a
 * temp dir, as `lab exercise test` does. Stopped and removed at the end — also on an error, Ctrl-C or SIGTERM; one
 * left by a run killed outright is removed when the next sandbox starts (abandoned-sandboxes.ts).
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {EngineClient} from '../../engine/client/index.js';
import {makePrivateEngine, type PrivateEngine} from '../../engine/control/private-engine.js';
import {removeAbandonedSandboxes, SANDBOX_PREFIX} from './abandoned-sandboxes.js';
import {makeParentCgroup, type ParentCgroup} from './parent-cgroup.js';
import type {Homework} from './types.js';

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

/** Removes student `n`'s containers and image (the others being checked at the same time keep theirs). */
export async function removeStudent(sandbox: Sandbox, hw: Homework, n: number): Promise<void> {
  const mine = new RegExp(`^/?homework-run-${n}(-|$)`);
  const containers = (await sandbox.engine.listContainers({all: true})).filter((c) => (c.Names ?? []).some((name) => mine.test(name)));
  // Through the API: two docker CLI starts per student cost more CPU than the removals themselves.
  await Promise.all(containers.map((c) => sandbox.engine.removeContainer(c.Id, {force: true})));
  const r = await sandbox.engine.request('DELETE', `/images/${encodeURIComponent(studentTag(hw, n))}`, {query: {force: true}});
  if (r.status >= 400 && r.status !== 404) throw new Error(`removing the image ${studentTag(hw, n)}: ${r.body.toString('utf8').trim()}`);
}

export const studentTag = (hw: Homework, n: number) => `homework-${hw.lab}/student-${n}:latest`;

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

/** As a shell reports a death by signal: 128 + its number; a closed pipe as SIGPIPE's. */
const exitCodes = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129, EPIPE: 141} as const;

/**
 * `registryImages`: recipes served by a course registry of the sandbox's own (in its dir, stopped with it) that is
 * the engine's mirror, so a submission's FROM of a course image (multi-stage too) resolves as in the lab.
 */
export async function withSandbox<T>(limits: SandboxLimits, progress: (m: string) => void, work: (sandbox: Sandbox) => Promise<T>, registryImages: string[] = []): Promise<T> {
  // What a run killed before it could clean up left behind goes first: its engine and mounts would stay forever.
  await removeAbandonedSandboxes(progress);
  const engine = makePrivateEngine({prefix: SANDBOX_PREFIX});
  const {dir, socket} = engine;
  const env = {...engine.dockerEnv, DOCKER_CLI_HINTS: 'false'};
  const abort = new AbortController();
  let done: Promise<void> | undefined;
  let cgroup: ParentCgroup | undefined;
  const cleanup = () => (done ??= teardown(engine, cgroup));
  let stopping = false;
  // A second Ctrl-C while the sandbox is being removed must not kill us half-way and leave its mounts behind.
  // A closed terminal (SIGHUP) or reader (EPIPE: `| head`) is stopped the same way; there is no one to tell then.
  const say = (m: string) => {
    if (!outputClosed) process.stderr.write(m);
  };
  let outputClosed = false;
  const onSignal = (signal: keyof typeof exitCodes) => {
    if (stopping) {
      say(`${signal}: still removing ${dir}, one moment\n`);
      return;
    }
    stopping = true;
    abort.abort();
    say(`\n${signal}: stopping the sandbox engine and removing ${dir}\n`);
    void cleanup().finally(() => process.exit(exitCodes[signal]));
  };
  const onOutputError = (error: NodeJS.ErrnoException) => {
    // Whatever the error (EPIPE, EIO of a vanished terminal), nothing more can be written: stop as on a signal.
    outputClosed = true;
    if (error.code !== 'EPIPE' && error.code !== 'EIO') say(`output: ${error.message}\n`);
    onSignal('EPIPE');
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
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
    for (const signal of signals) process.removeListener(signal, onSignal);
    process.stdout.removeListener('error', onOutputError);
    process.stderr.removeListener('error', onOutputError);
  }
}
