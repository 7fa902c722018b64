/**
 * The container lifecycle: created → running → exited (→ removed), with Docker's rules and errors. The verbs
 * live one to a file (create.ts, start.ts, stop.ts, kill.ts, restart.ts, remove.ts, pause.ts, rename.ts,
 * update.ts, top.ts, wait.ts, prune.ts, exit.ts, restore.ts, shutdown.ts), the statuses and guards in
 * state.ts; this class wires them to the stores and to the OCI runtime. Processes are held by shims, so they can
 * outlive the daemon (kill -9, or live-restore): on start-up, running containers are found again through their
 * shims (restore.ts).
 */
import type {EventBus} from '../events/event-bus.js';
import type {ImageStore} from '../images/image-store.js';
import type {NetworkManager} from '../network/manager.js';
import type {OciRuntime} from '../runtime/oci-runtime.js';
import {Runc} from '../runtime/runc.js';
import type {SeccompChoice} from '../runtime/security-opt.js';
import type {Logger} from '../util/log.js';
import type {ContainerVolumes} from '../volumes/container-volumes.js';
import {AttachHub} from './attach-hub.js';
import {ContainerStore} from './container-store.js';
import type {ContainerContext, RemoveOptions} from './context.js';
import {create, type CreateRequest} from './create.js';
import {ExecManager} from './exec.js';
import {HealthMonitor} from './health.js';
import {kill} from './kill.js';
import {runtimePaths, type RuntimePaths} from './launch.js';
import {DEFAULT_LOG_CONFIG, type LogConfig} from './log-config.js';
import {pause, unpause} from './pause.js';
import {prune} from './prune.js';
import type {ContainerRecord} from '../model/container.js';
import {remove} from './remove.js';
import {rename} from './rename.js';
import {restart} from './restart.js';
import {Restarts} from './restarts.js';
import {restore} from './restore.js';
import {shutdown} from './shutdown.js';
import {start} from './start.js';
import {stop} from './stop.js';
import {topOf} from './top.js';
import {update, type UpdateRequest} from './update.js';
import {ExitWaiters, wait, type WaitCondition, type Waiting} from './wait.js';

export class ContainerManager {
  readonly store: ContainerStore;
  readonly paths: RuntimePaths;
  readonly runtime: OciRuntime;
  readonly attach = new AttachHub();
  readonly execs: ExecManager;
  private readonly ctx: ContainerContext;

  constructor(
    images: ImageStore,
    events: EventBus,
    log: Logger,
    dataRoot: string,
    runtime: {execRoot: string; cgroupParent?: string; logConfig?: LogConfig; seccomp?: SeccompChoice},
    readonly volumes: ContainerVolumes,
    /** Unset: containers get the runtime's empty network namespace (only lo). */
    readonly network?: NetworkManager,
  ) {
    const store = new ContainerStore(dataRoot, (path, error) => log.error('could not save a container record', {path, error: error.message}));
    this.store = store;
    this.paths = runtimePaths(runtime.execRoot, runtime.cgroupParent, runtime.seccomp);
    this.runtime = new Runc(this.paths.runcRoot);
    this.execs = new ExecManager(store, images.layers, this.paths, this.runtime, events);
    const ctx: ContainerContext = {
      store, images, events, log, volumes, network,
      runtime: this.runtime,
      paths: this.paths,
      attach: this.attach,
      logConfig: runtime.logConfig ?? DEFAULT_LOG_CONFIG,
      restarts: new Restarts(store, (id) => this.start(id, true), log),
      health: new HealthMonitor(store, events, log, this.runtime, (id) => this.paths.stateDir(id)),
      waiters: new ExitWaiters(),
      removals: new Map(),
      start: (ref, byPolicy) => this.start(ref, byPolicy),
      kill: (ref, signal) => this.kill(ref, signal),
      unpause: (ref) => this.unpause(ref),
      remove: (ref, opts) => this.remove(ref, opts),
    };
    this.ctx = ctx;
  }

  usingImage(imageId: string): string[] {
    return this.store.all().filter((c) => c.Image === imageId).map((c) => c.ID);
  }

  create(req: CreateRequest, name: string | null): ContainerRecord {
    return create(this.ctx, req, name);
  }

  /** Resolves once the container's record is on disk: a create is answered only then, as dockerd does. */
  persisted(id: string): Promise<void> {
    return this.store.persisted(id);
  }

  /** Every record saved so far is on disk (at shutdown). */
  flush(): Promise<void> {
    return this.store.flush();
  }

  /** `byPolicy`: a restart policy's start, which keeps the container shown as restarting until it runs. */
  start(ref: string, byPolicy = false): Promise<'started' | 'already'> {
    return start(this.ctx, ref, byPolicy);
  }

  /** Resolves with the exit code once the condition holds (Docker's /wait). */
  wait(ref: string, condition: WaitCondition): Waiting {
    return wait(this.store, this.ctx.waiters, ref, condition);
  }

  kill(ref: string, signal = 'SIGKILL'): Promise<void> {
    return kill(this.ctx, ref, signal);
  }

  /** `docker update`: new limits in the record, and in the cgroup at once when it runs. */
  update(ref: string, req: UpdateRequest): Promise<string[]> {
    return update(this.ctx, ref, req);
  }

  pause(ref: string): Promise<void> {
    return pause(this.ctx, ref);
  }

  unpause(ref: string): Promise<void> {
    return unpause(this.ctx, ref);
  }

  /** Returns false when it was not running. */
  stop(ref: string, timeoutSeconds?: number, signal?: string): Promise<boolean> {
    return stop(this.ctx, ref, timeoutSeconds, signal);
  }

  restart(ref: string, timeoutSeconds?: number): Promise<void> {
    return restart(this.ctx, ref, timeoutSeconds);
  }

  remove(ref: string, opts: RemoveOptions): Promise<void> {
    return remove(this.ctx, ref, opts);
  }

  /** Removes the stopped ones among `candidates`; reports what went and the bytes their layers freed. */
  prune(candidates: ContainerRecord[]): Promise<{deleted: string[]; reclaimed: number}> {
    return prune(this.ctx, candidates);
  }

  rename(ref: string, newName: string): void {
    rename(this.ctx, ref, newName);
  }

  /** `docker top`. */
  top(ref: string, psArgs?: string): Promise<{Titles: string[]; Processes: string[][]}> {
    return topOf(this.ctx, ref, psArgs);
  }

  /** At daemon start, once networks are ready: the containers whose restart policy brings them back. */
  startByPolicy(): Promise<void> {
    return this.ctx.restarts.startWithDaemon();
  }

  /** The daemon stops without live-restore: every running container is stopped (shutdown.ts). */
  shutdown(): Promise<void> {
    return shutdown(this.ctx);
  }

  /** After a daemon restart: reconnect to live shims; finish containers that ended while the daemon was away. */
  restore(): Promise<void> {
    return restore(this.ctx);
  }
}
