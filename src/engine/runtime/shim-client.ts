/**
 * Talking to a container's labd-shim: spawn it (it runs `runc create`), then over its unix socket attach
 * to the process's stdio, resize its terminal, and hear of its exit.
 */
import {spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {connect, type Socket} from 'node:net';
import {join} from 'node:path';
import {RuntimeError} from './runtime-error.js';
import {shimPath} from './shim/shim-path.js';

/** The shim (or the runtime it ran) failed; a failed create or exec says why in `failure`. */
export class ShimError extends RuntimeError {
  override name = 'ShimError';
}

export interface ShimStart {
  id: string;
  bundle: string;
  runtimeRoot: string;
  stateDir: string;
  logPath: string;
  /** Rotate the log past this many bytes, keeping maxFiles files (json-file's max-size and max-file). */
  maxSize?: number;
  maxFiles?: number;
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  /** For `docker exec`: the process.json to run in the existing container. */
  execProcess?: string;
  /** Start the process only once a client has attached (so `docker exec` misses no output). */
  hold?: boolean;
  /**
   * A connection the shim takes over as its first attach client (an exec's hijacked stream, after its 101):
   * the process's output goes straight to it and its stdin comes straight from it, with nothing relayed here.
   */
  client?: {socket: Socket; spec: string};
  runtime?: string;
}

export interface ShimHandle {
  shimPid: number;
  pid: number;
}

/** Spawns the shim and waits for its one-line verdict: `ready <pid>` or `error <message>`. */
export function startShim(opts: ShimStart, timeoutMs = 30_000): Promise<ShimHandle> {
  const args = [
    '--id', opts.id, '--bundle', opts.bundle, '--runtime', opts.runtime ?? 'runc', '--runtime-root', opts.runtimeRoot,
    '--state-dir', opts.stateDir, '--log', opts.logPath,
  ];
  if (opts.maxSize) args.push('--log-max-size', String(opts.maxSize), '--log-max-files', String(opts.maxFiles ?? 1));
  if (opts.tty) args.push('--tty');
  if (opts.stdin) args.push('--stdin');
  if (opts.stdinOnce) args.push('--stdin-once');
  if (opts.execProcess) args.push('--exec', opts.execProcess);
  if (opts.hold) args.push('--hold');
  if (opts.client) args.push('--client-fd', '3', '--client-streams', opts.client.spec);
  return new Promise((resolve, reject) => {
    // Its own session: a signal to the daemon's process group never reaches the containers.
    const child = spawn(shimPath(), args, {detached: true, stdio: ['ignore', 'pipe', 'ignore', ...(opts.client ? [opts.client.socket] : [])]});
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ShimError(`the container's shim did not report within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const line = out.slice(0, nl);
      child.stdout!.destroy();
      child.unref();
      if (line.startsWith('ready ')) resolve({shimPid: child.pid!, pid: Number(line.slice(6))});
      else reject(new ShimError(line.replace(/^error /, '')));
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new ShimError(`cannot start the container's shim: ${e.message}`));
    });
    child.on('exit', (code) => {
      if (out.includes('\n')) return;
      clearTimeout(timer);
      reject(new ShimError(`the container's shim exited (${code}) before reporting`));
    });
  });
}

function connectOnce(stateDir: string, line: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(join(stateDir, 'attach.sock'));
    socket.once('connect', () => {
      socket.write(line + '\n');
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** The socket file appears at bind(), a moment before the shim listens: a refused connection is retried briefly. */
async function request(stateDir: string, line: string, retryMs = 2000): Promise<Socket> {
  const deadline = Date.now() + retryMs;
  for (;;) {
    try {
      return await connectOnce(stateDir, line);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

/** The shim makes its socket first thing; a client that must attach before the process starts waits for it. */
export async function waitForSocket(stateDir: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(join(stateDir, 'attach.sock'))) {
    if (Date.now() > deadline) throw new ShimError('the shim did not open its socket in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** What an attach client wants of the shim (see shim/spec.c). */
export interface AttachOptions {
  /** i, o, e. */
  streams: string;
  /** Framing other than the process's own (a tty's output is raw, a plain process's multiplexed). */
  framing?: 'raw' | 'multiplexed';
  /** The sequence that ends this client and leaves the process running (the shim heeds it only with a tty). */
  detachKeys?: Buffer;
}

/** The spec line the shim reads: streams, r or m, then :<hex detach keys>. */
export function attachSpec(o: AttachOptions): string {
  const framing = o.framing === 'raw' ? 'r' : o.framing === 'multiplexed' ? 'm' : '';
  return `${o.streams}${framing}${o.detachKeys && o.detachKeys.length > 0 ? `:${o.detachKeys.toString('hex')}` : ''}`;
}

/**
 * A stream of the process's output (Docker-framed unless TTY) and, with `i`, a way into its stdin. Resolves
 * only once the shim has acknowledged the attach, so output written after that moment cannot be missed.
 */
export async function attachShim(stateDir: string, spec: string): Promise<Socket> {
  const [streams, keys] = spec.split(':');
  const socket = await request(stateDir, `attach ${streams}a${keys !== undefined ? `:${keys}` : ''}`);
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    const onError = (e: Error) => fail(e);
    const onClose = () => fail(new ShimError('the shim closed the attach connection'));
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      socket.off('data', onData).off('error', onError).off('close', onClose);
      socket.pause();
      const line = buf.subarray(0, nl).toString('utf8');
      if (line !== 'ok') return fail(new ShimError(line.replace(/^error /, '')));
      if (nl + 1 < buf.length) socket.unshift(buf.subarray(nl + 1));
      resolve(socket);
    };
    socket.on('data', onData).once('error', onError).once('close', onClose);
  });
}

async function reply(stateDir: string, line: string): Promise<string> {
  const socket = await request(stateDir, line);
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('end', () => resolve(text.trim()));
    socket.on('close', () => resolve(text.trim()));
    socket.on('error', reject);
  });
}

export async function resizeShim(stateDir: string, rows: number, cols: number): Promise<void> {
  const answer = await reply(stateDir, `resize ${rows} ${cols}`);
  if (!answer.startsWith('ok')) throw new ShimError(answer.replace(/^error /, ''));
}

export async function signalShim(stateDir: string, signal: number): Promise<void> {
  await reply(stateDir, `signal ${signal}`);
}

export interface ExitInfo {
  exitCode: number;
  signal: number | null;
  finishedAt: string;
}

/**
 * Resolves when the shim's process has exited: the shim sends the exit as an event on its socket once the
 * output is drained and STATE/exit written. A shim that is gone already (it ended while no one listened, or it
 * was killed) is read from its exit file; none at all means the exit was lost.
 */
export async function waitShim(stateDir: string): Promise<ExitInfo> {
  let socket: Socket;
  try {
    socket = await request(stateDir, 'events');
  } catch {
    return readExit(stateDir) ?? lostExit();
  }
  const line = await new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) socket.destroy();
    });
    socket.on('close', () => resolve(text.split('\n')[0]));
    socket.on('error', () => socket.destroy());
  });
  if (line.startsWith('exit ')) return JSON.parse(line.slice(5)) as ExitInfo;
  return readExit(stateDir) ?? lostExit();
}

function lostExit(): ExitInfo {
  return {exitCode: 255, signal: null, finishedAt: new Date().toISOString()};
}

export function readExit(stateDir: string): ExitInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'exit'), 'utf8')) as ExitInfo;
  } catch {
    return undefined;
  }
}
