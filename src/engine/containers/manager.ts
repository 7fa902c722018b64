/**
 * The container lifecycle: created → running → exited (→ removed), with Docker's rules and errors.
 * Processes are held by shims, so this state survives the daemon: on start-up, running containers are
 * found again through their shims, and those that ended meanwhile get their exit code from the shim's file.
 */
import {existsSync, readFileSync} from 'node:fs';
import {constants} from 'node:os';
import {conflict, invalidArgument, systemError} from '../errors.js';
import type {EventBus} from '../events/event-bus.js';
import type {ImageStore} from '../images/image-store.js';
import {containerCgroup, oomKillCount} from '../runtime/cgroups.js';
import {ExecutableError} from '../runtime/executable-check.js';
import {checkHostConfig} from '../runtime/resources.js';
import {Runc} from '../runtime/runc.js';
import type {SeccompChoice} from '../runtime/security-opt.js';
import {readExit, ShimError, waitShim, type ExitInfo} from '../runtime/shim-client.js';
import type {NetworkManager} from '../network/manager.js';
import type {Logger} from '../util/log.js';
import type {ContainerVolumes} from '../volumes/container-volumes.js';
import {AttachHub} from './attach-hub.js';
import {ContainerStore} from './container-store.js';
import {createContainer, type CreateRequest} from './create.js';
import {ExecManager} from './exec.js';
import {launch, runtimePaths, type RuntimePaths} from './launch.js';
import {DEFAULT_LOG_CONFIG, logConfigError, mergeLogConfig, type LogConfig} from './log-config.js';
import {checkName} from './names.js';
import {checkRestartPolicy} from './restart-policy.js';
import {Restarts} from './restarts.js';
import {HealthMonitor} from './health.js';
import {applyUpdate, updatedHostConfig, type UpdateRequest} from './update.js';
import {zeroTime} from './record.js';
import type {ContainerRecord} from '../model/container.js';
import {removeRwLayer, rwLayerPaths, unmountRwLayer} from './rw-layer.js';

type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export class ContainerManager {
  readonly store: ContainerStore;
  readonly paths: RuntimePaths;
  readonly runc: Runc;
  readonly attach = new AttachHub();
  readonly execs: ExecManager;
  private readonly logConfig: LogConfig;
  private readonly restarts: Restarts;
  private readonly health: HealthMonitor;
  private readonly exitWaiters = new Map<string, Set<(code: number) => void>>();
  private readonly removeWaiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly images: ImageStore,
    private readonly events: EventBus,
    private readonly log: Logger,
    dataRoot: string,
    runtime: {execRoot: string; cgroupParent?: string; logConfig?: LogConfig; seccomp?: SeccompChoice},
    readonly volumes: ContainerVolumes,
    /** Unset: containers get runc's empty network namespace (only lo). */
    readonly network?: NetworkManager,
  ) {
    this.store = new ContainerStore(dataRoot, (path, error) => this.log.error('could not save a container record', {path, error: error.message}));
    this.paths = runtimePaths(runtime.execRoot, runtime.cgroupParent, runtime.seccomp);
    this.logConfig = runtime.logConfig ?? DEFAULT_LOG_CONFIG;
    this.restarts = new Restarts(this.store, (id) => this.start(id, true), log);
    this.health = new HealthMonitor(this.store, events, log, this.paths.runcRoot, (id) => this.paths.stateDir(id));
    this.runc = new Runc(this.paths.runcRoot);
    this.execs = new ExecManager(this.store, images.layers, this.paths, events);
  }

  usingImage(imageId: string): string[] {
    return this.store.all().filter((c) => c.Image === imageId).map((c) => c.ID);
  }

  private emit(c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.events.emit('container', action, c.ID, {image: c.Config.Image ?? c.Image, name: c.Name.slice(1), ...extra});
  }

  create(req: CreateRequest, name: string | null): ContainerRecord {
    checkHostConfig(req.HostConfig ?? {});
    checkRestartPolicy(req.HostConfig ?? {});
    const logConfig = mergeLogConfig(req.HostConfig?.LogConfig, this.logConfig);
    const logProblem = logConfigError(logConfig.Type, logConfig.Config);
    if (logProblem) throw invalidArgument(logProblem);
    req = {...req, HostConfig: {...req.HostConfig, LogConfig: logConfig}};
    this.volumes.check(req);
    this.network?.checkCreate(req.HostConfig);
    const c = createContainer(this.images, this.store, req, name);
    this.volumes.attach(c);
    this.store.save(c);
    this.emit(c, 'create');
    return c;
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
  async start(ref: string, byPolicy = false): Promise<'started' | 'already'> {
    const c = this.store.get(ref);
    if (c.State.Paused) throw conflict('cannot start a paused container, try unpause instead');
    if (c.State.Running) return 'already';
    if (!byPolicy) {
      this.restarts.cancel(c);
      c.HasBeenManuallyStopped = false;
    }
    if (c.State.Status === 'removing') throw conflict(`container ${c.ID} is marked for removal and cannot be started`);
    let handle;
    try {
      this.volumes.recheck(c);
      // The netns, address and published ports exist before runc runs; a taken host port stops the start here.
      await this.network?.connect(c, (r) => this.store.find(r));
      handle = await launch(c, this.images.layers, this.paths);
    } catch (error) {
      throw await this.failStart(c, error);
    }
    c.ShimPid = handle.shimPid;
    await this.attach.connectPending(c.ID, this.paths.stateDir(c.ID));
    try {
      await this.runc.start(c.ID);
    } catch (error) {
      await this.runc.delete(c.ID, true).catch(() => {});
      throw await this.failStart(c, error);
    }
    this.health.begin(c);
    c.State = {...c.State, Status: 'running', Running: true, Restarting: false, Pid: handle.pid, ExitCode: 0, Error: '', StartedAt: new Date().toISOString(), FinishedAt: zeroTime, OOMKilled: false};
    // On disk before the start is answered: a daemon killed right after must find the container running (and
    // its shim) when it comes back, not a record that still says "created".
    await this.store.save(c);
    this.emit(c, 'start');
    this.watch(c);
    return 'started';
  }

  /** A start that failed: Docker's exit codes (127 not found, 126 not executable), the error kept in State. */
  private async failStart(c: ContainerRecord, error: unknown): Promise<Error> {
    const message = (error as Error).message;
    const code = /not found|no such file or directory/.test(message) ? 127 : /permission denied/.test(message) ? 126 : 128;
    c.State = {...c.State, Status: c.State.StartedAt === zeroTime ? 'created' : 'exited', Running: false, Restarting: false, Pid: 0, ExitCode: code, Error: message};
    await this.network?.disconnect(c).catch((e: Error) => this.log.warn('network cleanup failed', {id: c.ID, error: e.message}));
    this.store.save(c);
    await unmountRwLayer(rwLayerPaths(this.images.layers, c.MountID)).catch(() => {});
    this.attach.release(c.ID);
    this.emit(c, 'die', {exitCode: String(code)});
    this.notifyExit(c, code);
    // As dockerd: a --rm container that could not start is removed, which also ends the CLI's wait.
    if (c.HostConfig.AutoRemove) await this.remove(c.ID, {force: true}).catch(() => {});
    if (error instanceof ExecutableError || error instanceof ShimError) {
      return invalidArgument(`failed to create task for container: OCI runtime create failed: unable to start container process: ${message}`);
    }
    return error as Error;
  }

  /** Follows the shim until the process exits. */
  private watch(c: ContainerRecord): void {
    const stateDir = this.paths.stateDir(c.ID);
    waitShim(stateDir).then(
      (exit) => this.exited(c.ID, exit),
      (error: Error) => this.log.error('lost track of container', {id: c.ID, error: error.message}),
    );
  }

  private async exited(id: string, exit: ExitInfo): Promise<void> {
    const c = this.store.find(id);
    if (!c || !c.State.Running) return;
    // Before `runc delete`: it removes the cgroup whose counter says whether the OOM killer struck.
    const oomKilled = oomKillCount(containerCgroup(c.ID, c.CgroupsPath)) > 0;
    // Independent clean-ups, run side by side: they are on the path of every `docker run --rm`.
    await Promise.all([
      this.runc.delete(c.ID, true).catch((e: Error) => this.log.warn('runc delete failed', {id, error: e.message})),
      unmountRwLayer(rwLayerPaths(this.images.layers, c.MountID)).catch(() => {}),
      this.network?.disconnect(c).catch((e: Error) => this.log.warn('network cleanup failed', {id, error: e.message})),
    ]);
    this.health.end(c.ID);
    // As dockerd: a stopped container is no longer healthy.
    if (c.State.Health) c.State.Health = {...c.State.Health, Status: 'unhealthy'};
    c.State = {...c.State, Status: 'exited', Running: false, Paused: false, Pid: 0, ExitCode: exit.exitCode, FinishedAt: exit.finishedAt || new Date().toISOString(), OOMKilled: oomKilled};
    c.ShimPid = 0;
    this.store.save(c);
    if (oomKilled) this.emit(c, 'oom');
    this.emit(c, 'die', {exitCode: String(exit.exitCode)});
    this.notifyExit(c, exit.exitCode);
    if (c.HostConfig.AutoRemove) await this.remove(c.ID, {force: false}).catch(() => {});
    else this.restarts.afterExit(c, exit.exitCode);
  }

  private notifyExit(c: ContainerRecord, code: number): void {
    const waiters = this.exitWaiters.get(c.ID);
    this.exitWaiters.delete(c.ID);
    for (const w of waiters ?? []) w(code);
  }

  /** Resolves with the exit code once the condition holds (Docker's /wait). */
  wait(ref: string, condition: WaitCondition): {promise: Promise<number>; cancel: () => void} {
    const c = this.store.get(ref);
    if (condition === 'not-running' && !c.State.Running) return {promise: Promise.resolve(c.State.ExitCode), cancel: () => {}};
    let cancel = () => {};
    const promise = new Promise<number>((resolve) => {
      if (condition === 'removed') {
        const set = this.removeWaiters.get(c.ID) ?? new Set();
        const done = () => resolve(this.lastExit.get(c.ID) ?? c.State.ExitCode);
        set.add(done);
        this.removeWaiters.set(c.ID, set);
        cancel = () => set.delete(done);
        return;
      }
      const set = this.exitWaiters.get(c.ID) ?? new Set();
      set.add(resolve);
      this.exitWaiters.set(c.ID, set);
      cancel = () => set.delete(resolve);
    });
    return {promise, cancel};
  }

  private readonly lastExit = new Map<string, number>();

  async kill(ref: string, signal = 'SIGKILL'): Promise<void> {
    const c = this.store.get(ref);
    if (c.State.Running || c.State.Restarting) c.HasBeenManuallyStopped = true;
    this.restarts.cancel(c);
    if (!c.State.Running) throw conflict(`cannot kill container: ${ref}: container ${c.ID} is not running`);
    const sig = /^\d+$/.test(signal) ? Number(signal) : (constants.signals as Record<string, number>)[signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`];
    if (!sig) throw invalidArgument(`invalid signal: ${signal}`);
    await this.runc.kill(c.ID, sig);
    this.emit(c, 'kill', {signal: String(sig)});
    // A frozen process cannot act on the signal (under cgroup v1 not even SIGKILL): thaw it, as dockerd does.
    if (c.State.Paused) await this.unpause(c.ID).catch((e: Error) => this.log.warn('unpause after kill failed', {id: c.ID, error: e.message}));
  }

  /** SIGKILL to every process of the container, thawed if paused (under cgroup v1 a frozen process does not die). */
  private async killAll(c: ContainerRecord): Promise<void> {
    await this.runc.kill(c.ID, 9, true).catch(() => {});
    if (c.State.Paused) await this.unpause(c.ID).catch(() => {});
  }

  /** `docker update`: new limits in the record, and in the cgroup at once when it runs. */
  async update(ref: string, req: UpdateRequest): Promise<string[]> {
    const c = this.store.get(ref);
    const before = c.HostConfig;
    c.HostConfig = updatedHostConfig(c.HostConfig, req);
    if (c.State.Running) {
      try {
        await applyUpdate(c, req, this.runc, this.paths.stateDir(c.ID));
      } catch (error) {
        c.HostConfig = before;
        throw systemError(`Cannot update container ${c.ID}: ${(error as Error).message}`);
      }
    }
    this.store.save(c);
    this.emit(c, 'update');
    return [];
  }

  /** `docker pause`: the cgroup freezer stops every process of the container where it is, until unpause. */
  async pause(ref: string): Promise<void> {
    const c = this.store.get(ref);
    if (!c.State.Running) throw conflict(`Container ${c.ID} is not running`);
    if (c.State.Paused) throw conflict(`Container ${c.ID} is already paused`);
    await this.runc.pause(c.ID);
    c.State = {...c.State, Status: 'paused', Paused: true};
    this.store.save(c);
    this.emit(c, 'pause');
  }

  async unpause(ref: string): Promise<void> {
    const c = this.store.get(ref);
    if (!c.State.Paused) throw conflict(`Container ${c.ID} is not paused`);
    await this.runc.resume(c.ID);
    c.State = {...c.State, Status: c.State.Running ? 'running' : c.State.Status, Paused: false};
    this.store.save(c);
    this.emit(c, 'unpause');
  }

  /** SIGTERM (or the image's STOPSIGNAL), then SIGKILL after the timeout. Returns false when it was not running. */
  async stop(ref: string, timeoutSeconds?: number, signal?: string): Promise<boolean> {
    const c = this.store.get(ref);
    const wasRestarting = c.State.Restarting;
    if (c.State.Running || wasRestarting) c.HasBeenManuallyStopped = true;
    this.restarts.cancel(c);
    if (!c.State.Running) {
      if (wasRestarting) this.store.save(c);
      return wasRestarting;
    }
    const t = timeoutSeconds ?? c.Config.StopTimeout ?? 10;
    const exit = this.wait(c.ID, 'next-exit');
    await this.kill(c.ID, signal || c.Config.StopSignal || 'SIGTERM').catch(() => {});
    const stopped = await Promise.race([exit.promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), Math.max(0, t) * 1000))]);
    if (!stopped && this.store.find(c.ID)?.State.Running) {
      await this.killAll(c);
      await exit.promise;
    }
    this.emit(c, 'stop');
    return true;
  }

  async restart(ref: string, timeoutSeconds?: number): Promise<void> {
    await this.stop(ref, timeoutSeconds);
    const c = this.store.get(ref);
    await this.start(c.ID);
    c.RestartCount = 0;
    this.emit(c, 'restart');
  }

  /** `volumes` (rm -v) also removes the container's anonymous volumes, as a --rm container's removal does. */
  async remove(ref: string, opts: {force: boolean; volumes?: boolean}): Promise<void> {
    const c = this.store.get(ref);
    if (c.State.Restarting && !opts.force) throw conflict(`cannot remove container "${c.Name}": container is restarting: stop the container before removing or force remove`);
    this.restarts.forget(c);
    if (c.State.Running) {
      if (!opts.force) throw conflict(`cannot remove container "${c.Name}": container is running: stop the container before removing or force remove`);
      const exit = this.wait(c.ID, 'next-exit');
      await this.killAll(c);
      await Promise.race([exit.promise, new Promise((r) => setTimeout(r, 5000))]);
    }
    const current = this.store.find(c.ID);
    if (!current) return;
    const wasRunning = current.State.Running;
    current.State.Status = 'removing';
    // An exited container was already deleted from runc when it exited.
    if (wasRunning || current.State.StartedAt === zeroTime) await this.runc.delete(c.ID, true).catch(() => {});
    await this.network?.disconnect(current).catch(() => {});
    await removeRwLayer(this.images.layers, c.ID);
    this.attach.release(c.ID);
    this.store.delete(c.ID);
    this.volumes.release(current, Boolean(opts.volumes || current.HostConfig.AutoRemove));
    this.lastExit.set(c.ID, current.State.ExitCode);
    this.emit(current, 'destroy');
    const waiters = this.removeWaiters.get(c.ID);
    this.removeWaiters.delete(c.ID);
    for (const w of waiters ?? []) w();
    this.notifyExit(current, current.State.ExitCode);
    setTimeout(() => this.lastExit.delete(c.ID), 60_000).unref();
  }

  rename(ref: string, newName: string): void {
    const c = this.store.get(ref);
    const name = checkName(newName);
    if (`/${name}` === c.Name) throw conflict(`Renaming a container with the same name as its current name`);
    this.store.claimName(name, c.ID);
    const old = c.Name;
    c.Name = `/${name}`;
    this.store.save(c);
    this.emit(c, 'rename', {oldName: old});
  }

  /** At daemon start, once networks are ready: the containers whose restart policy brings them back. */
  startByPolicy(): Promise<void> {
    return this.restarts.startWithDaemon();
  }

  /** After a daemon restart: reconnect to live shims; finish containers that ended while the daemon was away. */
  restore(): void {
    for (const c of this.store.all()) {
      if (!c.State.Running) continue;
      const stateDir = this.paths.stateDir(c.ID);
      if (c.ShimPid > 0 && shimAlive(c.ShimPid) && existsSync(`${stateDir}/attach.sock`)) {
        this.log.info('reconnected to running container', {id: c.ID.slice(0, 12)});
        this.watch(c);
        this.health.begin(c);
        void this.network?.restore(c);
        continue;
      }
      const exit = readExit(stateDir) ?? {exitCode: 255, signal: null, finishedAt: new Date().toISOString()};
      void this.exited(c.ID, exit);
    }
  }
}

function shimAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('labd-shim');
  } catch {
    return false;
  }
}
