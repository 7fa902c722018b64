/**
 * Running labd in the background for `lab engine start|stop|restart|status|env`. Each engine is known by its
 * exec-root, where start records how it was started (labd.json, gone when it stops; labd.service.json, kept
 * so a restart after a failed start still knows the options file) and where its log goes (labd.log).
 */
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {packageRoot} from '../../common/package-root.js';
import {resolveConfig} from '../config/daemon-config.js';
import {parseDaemonFlags} from '../config/flags.js';
import {readServiceOptions} from '../config/options-file.js';
import {pingEngine} from './ping.js';
import {processAlive as alive} from '../../common/process-alive.js';

export {alive};

export interface EngineOptions {
  /** Unset: daemon.json's, else Docker's default. */
  dataRoot?: string;
  execRoot?: string;
  hosts: string[];
  configFile?: string;
  logLevel?: string;
  /** A service options file (/etc/default/docker): its DOCKER_OPTS come before the flags above, re-read on restart. */
  optionsFile?: string;
}

export interface EngineState extends EngineOptions {
  dataRoot: string;
  execRoot: string;
  pid: number;
  pidfile: string;
  /** The daemon.json the daemon read (given, or the default). */
  configPath?: string;
  logFile: string;
  startedAt: string;
}

const marker = '.labd';
const stateFile = (execRoot: string) => join(execRoot, 'labd.json');
const serviceFile = (execRoot: string) => join(execRoot, 'labd.service.json');

/** How the engine at this exec-root was last started successfully: what `lab engine restart` starts again. */
export function readServiceRecord(execRoot: string): EngineOptions | undefined {
  try {
    return JSON.parse(readFileSync(serviceFile(execRoot), 'utf8')) as EngineOptions;
  } catch {
    return undefined;
  }
}

export function readState(execRoot: string): EngineState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(execRoot), 'utf8')) as EngineState;
  } catch {
    return undefined;
  }
}


/** A data-root that some other engine (a real dockerd) filled must not be shared with it. */
function checkDataRoot(dataRoot: string): void {
  if (!existsSync(dataRoot) || existsSync(join(dataRoot, marker))) return;
  if (readdirSync(dataRoot).length === 0) return;
  throw new Error(`${dataRoot} holds another engine's data (Docker's?). Stop that engine or choose another place with --data-root.`);
}

function labdPath(): string {
  return join(packageRoot(), 'bin', 'labd.js');
}

/** labd's command line: the options file's flags first, then the ones given here (as a unit file would). */
export function engineArgs(opts: EngineOptions): string[] {
  const args = opts.optionsFile ? [...readServiceOptions(opts.optionsFile).argv] : [];
  args.push(...opts.hosts.flatMap((h) => ['-H', h]));
  if (opts.dataRoot) args.push('--data-root', opts.dataRoot);
  if (opts.execRoot) args.push('--exec-root', opts.execRoot);
  if (opts.configFile) args.push('--config-file', opts.configFile);
  if (opts.logLevel) args.push('--log-level', opts.logLevel);
  return args;
}

/**
 * A daemon that cannot start exits and says why, which is noticed at once; the wait only bounds one that neither
 * answers nor exits. It is long because an emulated VM on a busy host takes tens of seconds to load labd.
 */
export async function startEngineProcess(opts: EngineOptions, waitMs = 90_000): Promise<EngineState> {
  // Resolve the configuration here too, so mistakes are reported before anything starts, and so the hosts
  // to wait on are the ones the daemon will really use (daemon.json may set them). Only what the user gave
  // goes on the command line: dockerd's rule forbids a directive as both flag and file key.
  const args = engineArgs(opts);
  let flags;
  try {
    flags = parseDaemonFlags(args);
  } catch (error) {
    throw new Error(opts.optionsFile ? `${opts.optionsFile}: ${(error as Error).message}` : (error as Error).message);
  }
  const config = resolveConfig(flags);
  const {hosts, dataRoot, execRoot} = config;
  const running = readState(execRoot);
  if (running && alive(running.pid)) throw new Error(`the engine is already running (pid ${running.pid}); stop it with: lab engine stop`);
  for (const host of hosts) {
    if ((await pingEngine(host, 500)).ok) throw new Error(`another engine already answers on ${host}; stop it or choose another --host`);
  }
  checkDataRoot(dataRoot);
  mkdirSync(dataRoot, {recursive: true, mode: 0o710});
  writeFileSync(join(dataRoot, marker), 'This data-root belongs to labd, the lab container engine.\n');
  mkdirSync(execRoot, {recursive: true, mode: 0o700});
  const logFile = join(execRoot, 'labd.log');
  const pidfile = config.pidfile;
  const out = openSync(logFile, 'a');
  // A service has no login uid (the kernel's audit tells what a login session did from what the engine started, as
  // lab 26 grades): one started from a shell gives up the shell's where the kernel lets it, then becomes labd itself.
  const asService = 'echo 4294967295 > /proc/self/loginuid 2>/dev/null; exec "$0" "$@"';
  const child = spawn('/bin/sh', ['-c', asService, process.execPath, labdPath(), ...args], {detached: true, stdio: ['ignore', out, out]});
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  const state: EngineState = {...opts, hosts, dataRoot, execRoot, pid: child.pid!, pidfile, configPath: config.configFile, logFile, startedAt: new Date().toISOString()};
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      const lines = readFileSync(logFile, 'utf8').trim().split('\n');
      const reason = lines.filter((l) => l.startsWith('labd: ')).pop() ?? lines.slice(-3).join('\n');
      throw new Error(`the engine stopped at start-up (exit ${exited}):\n${reason}\n(full log: ${logFile})`);
    }
    if ((await pingEngine(hosts[0], 300)).ok) {
      writeFileSync(stateFile(execRoot), JSON.stringify(state, null, 2));
      writeFileSync(serviceFile(execRoot), JSON.stringify(opts, null, 2));
      return state;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGTERM');
  throw new Error(`the engine did not answer on ${hosts[0]} within ${waitMs / 1000}s; see ${logFile}`);
}

/**
 * SIGTERM, as `systemctl stop docker` sends, then SIGKILL if the daemon is still there after `waitMs`: systemd's
 * default stop timeout, longer than the daemon's own bound on stopping its containers (the longest stop timeout
 * plus 5 seconds, at least 15) so that a daemon without live-restore records every container's exit.
 */
export async function stopEngineProcess(execRoot: string, waitMs = 90_000): Promise<EngineState | undefined> {
  const state = readState(execRoot);
  if (!state || !alive(state.pid)) {
    rmSync(stateFile(execRoot), {force: true});
    return undefined;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + waitMs;
  while (alive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (alive(state.pid)) process.kill(state.pid, 'SIGKILL');
  rmSync(stateFile(execRoot), {force: true});
  return state;
}

/** Which engine a stop/status/env means: the --exec-root given, else the one daemon.json (or Docker's default) names. */
export function locateExecRoot(execRoot?: string, configFile?: string): string {
  if (execRoot) return execRoot;
  try {
    return resolveConfig({hosts: [], configFile}).execRoot;
  } catch {
    return '/var/run/docker';
  }
}

export function dockerEnv(state: Pick<EngineState, 'hosts'>): Record<string, string> {
  return {DOCKER_HOST: state.hosts[0], DOCKER_BUILDKIT: '0'};
}
