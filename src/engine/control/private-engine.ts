/**
 * A labd of its own for a test, a lab's self-test or a homework run: data-root, exec-root and unix socket in a
 * temp dir, so it never meets the machine's engine. dispose() removes its containers (their shims would outlive
 * it), stops it, unmounts whatever is left mounted under the dir and removes the dir. The dir names its owner, so
 * what an owner killed with SIGKILL leaves can be found and removed later (abandoned-engines.ts).
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {mountsBelow} from '../../common/mount-table.js';
import {EngineClient} from '../client/index.js';
import {writeOwner} from './abandoned-engines.js';
import {type EngineOptions, type EngineState, startEngineProcess, stopEngineProcess} from './engine-process.js';

export interface PrivateEngine {
  dir: string;
  dataRoot: string;
  execRoot: string;
  socket: string;
  /** unix://<socket>, for -H and DOCKER_HOST. */
  host: string;
  configFile: string;
  /** The docker CLI's environment for this engine: its socket, the classic builder, a config folder of its own. */
  dockerEnv: Record<string, string>;
  client: EngineClient;
  /** The flags that keep the engine to its dir (what start() passes unless given an options file). */
  options: EngineOptions;
  /** Starts labd with `options`, or from a service options file that holds every flag. */
  start(opts?: {optionsFile?: string}): Promise<EngineState>;
  /** Stops labd; the dir and its data stay (start() again continues with them). */
  stop(): Promise<void>;
  /** Removes every container, running or not. */
  removeContainers(): Promise<void>;
  /** Containers, engine, mounts and dir: all gone. Safe to call more than once, and when the engine never started. */
  dispose(): Promise<void>;
}

export interface PrivateEngineOptions {
  /** The temp dir's name starts with it, e.g. lab-engine-. */
  prefix: string;
  /** daemon.json of this engine (default: {}). */
  daemonJson?: Record<string, unknown>;
}

/** Makes the dir and its daemon.json; the engine starts with start(). */
export function makePrivateEngine(opts: PrivateEngineOptions): PrivateEngine {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix));
  // At once, so an owner killed at any later point leaves a dir the next one can tell is abandoned.
  writeOwner(dir);
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'run');
  const socket = join(execRoot, 'docker.sock');
  const host = `unix://${socket}`;
  const configFile = join(dir, 'daemon.json');
  writeFileSync(configFile, JSON.stringify(opts.daemonJson ?? {}));
  const options: EngineOptions = {dataRoot, execRoot, hosts: [host], configFile};
  // Removing many containers at once takes a while on a busy machine.
  const client = new EngineClient({socketPath: socket}, 60_000);
  let disposed: Promise<void> | undefined;
  const engine: PrivateEngine = {
    dir, dataRoot, execRoot, socket, host, configFile, client, options,
    dockerEnv: {DOCKER_HOST: host, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(dir, 'docker-config')},
    start: (o = {}) => startEngineProcess(o.optionsFile ? {hosts: [], optionsFile: o.optionsFile} : options),
    stop: async () => {
      await stopEngineProcess(execRoot);
    },
    removeContainers: async () => {
      const containers = await client.listContainers({all: true});
      await Promise.all(containers.map((c) => client.removeContainer(c.Id, {force: true})));
    },
    dispose: () =>
      (disposed ??= (async () => {
        // An engine that is not running (never started, or stopped already) has no containers to remove.
        await engine.removeContainers().catch(() => undefined);
        await stopEngineProcess(execRoot).catch(() => undefined);
        for (const point of mountsBelow(dir)) spawnSync('umount', ['-l', point]);
        rmSync(dir, {recursive: true, force: true});
      })()),
  };
  return engine;
}
