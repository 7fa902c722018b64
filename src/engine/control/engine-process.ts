/**
 * Running labd in the background for `lab engine start|stop|status|env`. Each engine is known by its
 * exec-root, where start records how it was started (labd.json) and where its log goes (labd.log).
 */
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {pingEngine} from './ping.js';

export interface EngineOptions {
  dataRoot: string;
  execRoot: string;
  hosts: string[];
  configFile?: string;
  logLevel?: string;
}

export interface EngineState extends EngineOptions {
  pid: number;
  pidfile: string;
  logFile: string;
  startedAt: string;
}

export const defaultEngineOptions: EngineOptions = {
  dataRoot: '/var/lib/docker',
  execRoot: '/var/run/docker',
  hosts: ['unix:///var/run/docker.sock'],
};

const marker = '.labd';
const stateFile = (execRoot: string) => join(execRoot, 'labd.json');

export function readState(execRoot: string): EngineState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(execRoot), 'utf8')) as EngineState;
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A data-root that some other engine (a real dockerd) filled must not be shared with it. */
function checkDataRoot(dataRoot: string): void {
  if (!existsSync(dataRoot) || existsSync(join(dataRoot, marker))) return;
  if (readdirSync(dataRoot).length === 0) return;
  throw new Error(`${dataRoot} holds another engine's data (Docker's?). Stop that engine or choose another place with --data-root.`);
}

function labdPath(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/labd.js');
}

export async function startEngineProcess(opts: EngineOptions, waitMs = 15_000): Promise<EngineState> {
  const running = readState(opts.execRoot);
  if (running && alive(running.pid)) throw new Error(`the engine is already running (pid ${running.pid}); stop it with: lab engine stop`);
  for (const host of opts.hosts) {
    if ((await pingEngine(host, 500)).ok) throw new Error(`another engine already answers on ${host}; stop it or choose another --host`);
  }
  checkDataRoot(opts.dataRoot);
  mkdirSync(opts.dataRoot, {recursive: true, mode: 0o710});
  writeFileSync(join(opts.dataRoot, marker), 'This data-root belongs to labd, the lab container engine.\n');
  mkdirSync(opts.execRoot, {recursive: true, mode: 0o700});
  const logFile = join(opts.execRoot, 'labd.log');
  const pidfile = join(opts.execRoot, 'labd.pid');
  const args = ['--data-root', opts.dataRoot, '--exec-root', opts.execRoot, '--pidfile', pidfile, ...opts.hosts.flatMap((h) => ['-H', h])];
  if (opts.configFile) args.push('--config-file', opts.configFile);
  if (opts.logLevel) args.push('--log-level', opts.logLevel);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [labdPath(), ...args], {detached: true, stdio: ['ignore', out, out]});
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  const state: EngineState = {...opts, pid: child.pid!, pidfile, logFile, startedAt: new Date().toISOString()};
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      const log = readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join('\n');
      throw new Error(`the engine stopped at start-up (exit ${exited}):\n${log}`);
    }
    if ((await pingEngine(opts.hosts[0], 300)).ok) {
      writeFileSync(stateFile(opts.execRoot), JSON.stringify(state, null, 2));
      return state;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGTERM');
  throw new Error(`the engine did not answer on ${opts.hosts[0]} within ${waitMs / 1000}s; see ${logFile}`);
}

export async function stopEngineProcess(execRoot: string, waitMs = 10_000): Promise<EngineState | undefined> {
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

export function dockerEnv(state: Pick<EngineState, 'hosts'>): Record<string, string> {
  return {DOCKER_HOST: state.hosts[0], DOCKER_BUILDKIT: '0'};
}
