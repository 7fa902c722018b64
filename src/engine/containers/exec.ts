/**
 * `docker exec`: a process started by the OCI runtime in a running container's namespaces and cgroup, held by a shim of
 * its own. Its exit code is kept for `GET /exec/{id}/json`, which is what the CLI turns into its exit status.
 */
import {randomBytes} from '../util/random.js';
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Socket} from 'node:net';
import {TLSSocket} from 'node:tls';
import {conflict, invalidArgument, notFound} from '../errors.js';
import type {EventBus} from '../events/event-bus.js';
import type {LayerStore} from '../images/layer-store.js';
import type {OciRuntime} from '../runtime/oci-runtime.js';
import {attachShim, attachSpec, resizeShim, waitForSocket, type AttachOptions} from '../runtime/shim-client.js';
import {RuntimeError} from '../runtime/runtime-error.js';
import {resolveUser} from '../runtime/user.js';
import type {ContainerStore} from './container-store.js';
import {execDetachKeys} from './detach-keys.js';
import {replaceOrAppendEnv} from './env.js';
import type {RuntimePaths} from './launch.js';
import {checkExec} from './state.js';
import {rwLayerPaths} from './rw-layer.js';

export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  Cmd: string[];
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Privileged?: boolean;
  ConsoleSize?: [number, number] | null;
  DetachKeys?: string;
}

export interface ExecRecord {
  ID: string;
  ContainerID: string;
  config: ExecConfig;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
  stateDir: string;
  /** Set while the shim is starting the process (until its ready or error line). */
  starting?: Promise<void>;
}

export class ExecManager {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(
    private readonly containers: ContainerStore,
    private readonly layers: LayerStore,
    private readonly paths: RuntimePaths,
    private readonly runtime: OciRuntime,
    private readonly events: EventBus,
  ) {}

  create(containerRef: string, config: ExecConfig): ExecRecord {
    const c = this.containers.get(containerRef);
    checkExec(c);
    if (!Array.isArray(config.Cmd) || config.Cmd.length === 0) throw invalidArgument('No exec command specified');
    execDetachKeys(config.DetachKeys);
    const id = randomBytes(32).toString('hex');
    const record: ExecRecord = {ID: id, ContainerID: c.ID, config, Running: false, ExitCode: null, Pid: 0, stateDir: join(this.paths.stateDir(c.ID), `e${id.slice(0, 12)}`)};
    this.execs.set(id, record);
    this.events.emit('container', `exec_create: ${config.Cmd.join(' ')}`, c.ID, {name: c.Name.slice(1), execID: id});
    return record;
  }

  get(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw notFound(`No such exec instance: ${id}`);
    // The process may have ended a moment before anyone asked: its shim's exit file says so.
    if (e.Running) {
      const exit = this.runtime.recordedExit(e.stateDir);
      if (exit) this.finish(e, exit.exitCode);
    }
    return e;
  }

  /** The OCI process: the container's own (capabilities, env) with the exec's command, user, dir and terminal. */
  private processSpec(e: ExecRecord): object {
    const c = this.containers.get(e.ContainerID);
    const bundle = JSON.parse(readFileSync(join(this.paths.stateDir(c.ID), 'config.json'), 'utf8')) as {process: Record<string, unknown> & {env: string[]; cwd: string; user: unknown}};
    const base = bundle.process;
    const user = e.config.User ? resolveUser(rwLayerPaths(this.layers, c.MountID).merged, e.config.User) : undefined;
    const env = replaceOrAppendEnv(base.env, e.config.Env);
    if (e.config.Tty && !env.some((x) => x.startsWith('TERM='))) env.push('TERM=xterm');
    const size = e.config.ConsoleSize;
    return {
      ...base,
      terminal: Boolean(e.config.Tty),
      ...(e.config.Tty && size && size[0] > 0 ? {consoleSize: {height: size[0], width: size[1]}} : {consoleSize: undefined}),
      args: e.config.Cmd,
      env,
      cwd: e.config.WorkingDir || base.cwd,
      user: user ? {uid: user.uid, gid: user.gid, ...(user.additionalGids.length > 0 ? {additionalGids: user.additionalGids} : {})} : base.user,
    };
  }

  /**
   * Runs the process; with a client socket, streams it and resolves once the process has been started. A plain
   * socket with nothing read from it yet is handed to the exec's shim, which then serves it directly: no
   * attach round trip before the process starts and no copy of its output through this process. A TLS socket
   * (its bytes are encrypted here) or one with bytes already read is relayed instead.
   */
  async start(id: string, attached: {socket: Socket; raw: boolean} | undefined): Promise<void> {
    const client = attached?.socket;
    const e = this.get(id);
    if (e.Running || e.ExitCode !== null || e.starting) throw conflict(`Error: Exec command ${id} has already run`);
    const c = this.containers.get(e.ContainerID);
    checkExec(c);
    rmSync(e.stateDir, {recursive: true, force: true});
    mkdirSync(e.stateDir, {recursive: true, mode: 0o700});
    const processFile = join(e.stateDir, 'process.json');
    writeFileSync(processFile, JSON.stringify(this.processSpec(e)));
    const spec = attached && attachSpec(clientOptions(e.config, attached.raw));
    const handOver = client !== undefined && canHandOver(client);
    const ready = this.runtime.exec({
      id: c.ID, bundle: this.paths.stateDir(c.ID), stateDir: e.stateDir, logPath: '/dev/null',
      tty: Boolean(e.config.Tty), stdin: Boolean(e.config.AttachStdin), stdinOnce: Boolean(e.config.AttachStdin), execProcess: processFile,
      hold: Boolean(client), ...(handOver && spec ? {client: {socket: client, spec}} : {}),
    });
    // The shim holds its own copy of the connection now; closing ours (no shutdown) leaves the stream to it.
    if (handOver) client.destroy();
    const settled = this.settle(e, c.ID, ready);
    e.starting = settled.then(() => undefined, () => undefined);
    if (handOver) {
      // The shim told the client itself if the process could not start; only the exit code is kept here.
      await e.starting;
      return;
    }
    let shimSocket: Socket | undefined;
    if (client) {
      try {
        await waitForSocket(e.stateDir);
        shimSocket = await attachShim(e.stateDir, spec!);
      } catch (error) {
        await e.starting;
        throw error;
      }
    }
    try {
      await settled;
    } catch (error) {
      shimSocket?.destroy();
      throw error;
    }
    if (client && shimSocket) {
      shimSocket.pipe(client);
      shimSocket.on('error', () => client.destroy());
      client.on('error', () => shimSocket!.destroy());
      if (e.config.AttachStdin) client.pipe(shimSocket);
      else client.resume();
    }
  }

  /** The shim's verdict: running (then followed to its exit), or failed with Docker's exit code for it. */
  private async settle(e: ExecRecord, containerId: string, ready: Promise<{pid: number}>): Promise<void> {
    let handle;
    try {
      handle = await ready;
    } catch (error) {
      e.ExitCode = error instanceof RuntimeError && error.failure === 'not-found' ? 127 : 126;
      throw new Error(`OCI runtime exec failed: ${(error as Error).message}`);
    } finally {
      e.starting = undefined;
    }
    e.Running = true;
    e.Pid = handle.pid;
    const c = this.containers.find(containerId);
    this.events.emit('container', `exec_start: ${e.config.Cmd.join(' ')}`, containerId, {name: c?.Name.slice(1) ?? '', execID: e.ID});
    void this.runtime.waitExit(e.stateDir).then((exit) => this.finish(e, exit.exitCode));
  }

  /** For inspect: a start still being decided is waited for, so the exit code read next is the real one. */
  async settled(id: string): Promise<ExecRecord> {
    const e = this.get(id);
    if (e.starting) await e.starting;
    return this.get(id);
  }

  private finish(e: ExecRecord, code: number): void {
    if (!e.Running) return;
    e.Running = false;
    e.ExitCode = code;
    const c = this.containers.find(e.ContainerID);
    this.events.emit('container', 'exec_die', e.ContainerID, {name: c?.Name.slice(1) ?? '', execID: e.ID, exitCode: String(code)});
    setTimeout(() => rmSync(e.stateDir, {recursive: true, force: true}), 1000).unref();
  }

  async resize(id: string, rows: number, cols: number): Promise<void> {
    const e = this.get(id);
    if (e.Running && e.config.Tty) await resizeShim(e.stateDir, rows, cols);
  }

  async inspect(id: string) {
    const e = await this.settled(id);
    return {
      ID: e.ID,
      Running: e.Running,
      ExitCode: e.ExitCode,
      ProcessConfig: {tty: Boolean(e.config.Tty), entrypoint: e.config.Cmd[0], arguments: e.config.Cmd.slice(1), privileged: Boolean(e.config.Privileged), ...(e.config.User ? {user: e.config.User} : {})},
      OpenStdin: Boolean(e.config.AttachStdin),
      OpenStderr: Boolean(e.config.AttachStderr),
      OpenStdout: Boolean(e.config.AttachStdout),
      CanRemove: false,
      ContainerID: e.ContainerID,
      // dockerd keeps the keys as bytes, which Go's JSON shows in base64.
      DetachKeys: e.config.DetachKeys ? execDetachKeys(e.config.DetachKeys).toString('base64') : '',
      Pid: e.Pid,
    };
  }

  /** Exec IDs of one container (inspect's ExecIDs). */
  idsOf(containerId: string): string[] {
    return [...this.execs.values()].filter((e) => e.ContainerID === containerId && e.Running).map((e) => e.ID);
  }
}

/**
 * The streams an exec's client gets. A raw stream (the start request's Tty) of a process without a terminal has
 * no way to tell stderr apart: dockerd leaves stderr out of it. The detach keys end the stream, not the process.
 */
function clientOptions(config: ExecConfig, raw: boolean): AttachOptions {
  const streams = `${config.AttachStdin ? 'i' : ''}${config.AttachStdout ? 'o' : ''}${config.AttachStderr && (!raw || config.Tty) ? 'e' : ''}`;
  return {streams: streams || (raw && !config.Tty ? 'o' : 'oe'), framing: raw ? 'raw' : 'multiplexed', detachKeys: execDetachKeys(config.DetachKeys)};
}

/**
 * Whether a hijacked connection can be given to a child as it is: a plain socket with nothing read into this
 * process and nothing left unsent by it (the 101 went to the kernel; Node counts a write as pending until its
 * callback runs, so the handle's own queue is what tells).
 */
function canHandOver(socket: Socket): boolean {
  const handle = (socket as unknown as {_handle?: {writeQueueSize?: number; fd?: number}})._handle;
  return !(socket instanceof TLSSocket) && !socket.destroyed && socket.readableLength === 0 && handle?.writeQueueSize === 0 && (handle.fd ?? -1) >= 0;
}
