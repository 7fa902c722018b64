/**
 * The OCI runtime's verbs, the one way the engine drives it: containers/ holds an OciRuntime and never spawns
 * the runtime itself. A container's process and each exec'd one are held by a shim (labd-shim), which runs the
 * runtime's create or exec and reports the exit; the other verbs are the runtime's own commands.
 */
import type {ExitInfo, ShimHandle, ShimStart} from './shim-client.js';

export type {ExitInfo, ShimHandle} from './shim-client.js';

/** A container's process: the bundle is created, not started, under a new shim. */
export type ContainerProcess = Omit<ShimStart, 'runtime' | 'runtimeRoot' | 'execProcess'>;

/** A process in a running container (`docker exec`), from a process.json, under a shim of its own. */
export type ExecProcess = Omit<ShimStart, 'runtime' | 'runtimeRoot'> & {execProcess: string};

/** A short process in a running container whose output is wanted (a health probe). */
export interface ProbeOptions {
  /** Where the runtime writes the probe's pid, so that a timeout can kill the probe itself. */
  pidFile: string;
  timeoutMs: number;
  /** At most this much output is kept. */
  maxOutput: number;
}

export interface ProbeResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

export interface RuntimeState {
  status: string;
  pid: number;
}

export interface OciRuntime {
  create(process: ContainerProcess): Promise<ShimHandle>;
  start(id: string): Promise<void>;
  exec(process: ExecProcess): Promise<ShimHandle>;
  probe(id: string, args: string[], opts: ProbeOptions): Promise<ProbeResult>;
  /** `all`: every process of the container, not only its init. */
  kill(id: string, signal: number, all?: boolean): Promise<void>;
  /** The cgroup freezer: every process of the container stops where it is (`docker pause`). */
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** New cgroup limits for a running container (an OCI linux.resources object). */
  update(id: string, resources: object): Promise<void>;
  state(id: string): Promise<RuntimeState | undefined>;
  /** Gone already is no error. */
  delete(id: string, force?: boolean): Promise<void>;
  pids(id: string): Promise<number[]>;
  /** The exit of the process a shim holds, as the shim reports it. */
  waitExit(stateDir: string): Promise<ExitInfo>;
  /** The exit a shim recorded before it went (for a daemon that was away), if any. */
  recordedExit(stateDir: string): ExitInfo | undefined;
}
