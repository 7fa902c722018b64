/**
 * The course registry's process: Debian's docker-registry, started detached so it outlives `lab start` (the
 * engine keeps pulling from it), found again from its state file, stopped by its recorded pid only.
 */
import {freeTcpPort as freePort} from '../../common/free-port.js';
import {spawn} from 'node:child_process';
import {closeSync, openSync, readFileSync} from 'node:fs';
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {processAlive} from '../../common/process-alive.js';
import {registryConfig} from './config.js';

export interface RegistryState {
  pid: number;
  port: number;
  /** http://127.0.0.1:PORT, as registry-mirrors names it. */
  url: string;
  dir: string;
}

/** ${XDG_STATE_HOME:-~/.local/state}/lab/registry: the registry's config, storage, log and state. */
export function defaultRegistryDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local/state'), 'lab', 'registry');
}

const paths = (dir: string) => ({config: join(dir, 'config.yml'), storage: join(dir, 'storage'), log: join(dir, 'registry.log'), state: join(dir, 'state.json')});


/** The registry's base endpoint answers 200 (distribution's "API version 2" check). */
export async function registryAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const r = await fetch(`${url}/v2/`, {signal: AbortSignal.timeout(timeoutMs)});
    await r.arrayBuffer();
    return r.status === 200 && (r.headers.get('docker-distribution-api-version') ?? '').startsWith('registry/2.0');
  } catch {
    return false;
  }
}

/** Whether pid is still our docker-registry (a recycled pid belongs to someone else and is never signalled). */
function isRegistryProcess(pid: number, configFile: string): boolean {
  if (!processAlive(pid)) return false;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.endsWith('docker-registry')) && argv.includes(configFile);
  } catch {
    return false;
  }
}

/** The running registry of this dir, if its process is alive and answers. */
export async function registryStatus(dir = defaultRegistryDir()): Promise<RegistryState | undefined> {
  const p = paths(dir);
  let state: RegistryState;
  try {
    state = JSON.parse(await readFile(p.state, 'utf8')) as RegistryState;
  } catch {
    return undefined;
  }
  if (!isRegistryProcess(state.pid, p.config)) return undefined;
  return (await registryAnswers(state.url)) ? state : undefined;
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

/** Starts the registry (or returns the one already running there); its port stays the same across restarts. */
export async function startRegistry(opts: {dir?: string; port?: number} = {}): Promise<RegistryState> {
  const dir = opts.dir ?? defaultRegistryDir();
  const running = await registryStatus(dir);
  if (running && (opts.port === undefined || opts.port === running.port)) return running;
  if (running) await stopRegistry(dir);
  const p = paths(dir);
  await mkdir(p.storage, {recursive: true});
  const previous = await readFile(p.state, 'utf8').then((t) => (JSON.parse(t) as RegistryState).port, () => undefined);
  const port = opts.port ?? previous ?? (await freePort());
  await writeFile(p.config, registryConfig({storageDir: p.storage, port}));
  const log = openSync(p.log, 'a');
  const child = spawn('docker-registry', ['serve', p.config], {detached: true, stdio: ['ignore', log, log]});
  closeSync(log);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`cannot run docker-registry (apt-get install docker-registry): ${error.message}`));
    child.once('exit', (code, signal) => resolve(`docker-registry exited (${signal ?? `code ${code}`}): ${logTail(p.log)}`));
  });
  child.unref();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  let failure: string | undefined;
  void exited.then((why) => (failure = why));
  while (!(await registryAnswers(url, 1000))) {
    if (failure !== undefined) throw new Error(failure);
    if (Date.now() > deadline) {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
      throw new Error(`docker-registry did not answer on ${url} within 20 s: ${logTail(p.log)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const state: RegistryState = {pid: child.pid!, port, url, dir};
  await writeFile(p.state, `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

/** Stops the registry of this dir (SIGTERM, then SIGKILL after 10 s); its stored images stay. */
export async function stopRegistry(dir = defaultRegistryDir()): Promise<boolean> {
  const p = paths(dir);
  let state: RegistryState;
  try {
    state = JSON.parse(await readFile(p.state, 'utf8')) as RegistryState;
  } catch {
    return false;
  }
  let stopped = false;
  if (isRegistryProcess(state.pid, p.config)) {
    process.kill(state.pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (processAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (processAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
    while (processAlive(state.pid)) await new Promise((r) => setTimeout(r, 20));
    stopped = true;
  }
  // The port stays recorded so the next start (and the mirror in daemon.json) keeps it.
  await writeFile(p.state, `${JSON.stringify({...state, pid: 0}, null, 2)}\n`);
  return stopped;
}

export async function removeRegistryDir(dir: string): Promise<void> {
  await stopRegistry(dir);
  await rm(dir, {recursive: true, force: true});
}
