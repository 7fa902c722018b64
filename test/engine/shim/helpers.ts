// Fixtures for the labd-shim tests: a busybox bundle, shim launching, attach clients.
import {execFile, execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {connect, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import type {ExecutionContext} from 'ava';
import {shimPath} from '../../../src/engine/runtime/shim/shim-path.js';

export const RUNC = '/usr/sbin/runc';
const execFileP = promisify(execFile);
const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const applets = ['sh', 'echo', 'cat', 'sleep', 'ls', 'stty', 'true', 'printf', 'head', 'kill'];

/** Compiles the shim (atomically, so parallel test files can all do it). */
export function buildShim(): string {
  execFileSync('sh', ['src/engine/runtime/shim/build.sh'], {cwd: repoRoot, stdio: 'inherit'});
  return shimPath();
}

/** Per-file world: a shared busybox rootfs, a runtime root and runc's default spec. */
export interface World {
  base: string;
  rootfs: string;
  runtimeRoot: string;
  spec: any;
}

export function makeWorld(): World {
  const base = mkdtempSync(join(tmpdir(), 'lab-shim-'));
  const rootfs = join(base, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), {recursive: true});
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  for (const a of applets) symlinkSync('busybox', join(rootfs, 'bin', a));
  const specDir = join(base, 'spec');
  mkdirSync(specDir);
  execFileSync(RUNC, ['spec', '--bundle', specDir]);
  const spec = JSON.parse(readFileSync(join(specDir, 'config.json'), 'utf8'));
  return {base, rootfs, runtimeRoot: join(base, 'runc'), spec};
}

export function removeWorld(w: World): void {
  rmSync(w.base, {recursive: true, force: true});
}

let seq = 0;

/** What a test started, for cleanup in afterEach.always. */
export interface Ctx {
  ids: string[];
  procs: ChildProcess[];
}

export function newId(t: ExecutionContext<Ctx>): string {
  const id = `shimtest-${process.pid}-${++seq}`;
  t.context.ids.push(id);
  return id;
}

export function cleanup(w: World, ctx: Ctx): void {
  for (const id of ctx.ids) {
    try {
      execFileSync(RUNC, ['--root', w.runtimeRoot, 'delete', '-f', id], {stdio: 'ignore'});
    } catch {
      // never created, or already gone
    }
  }
  for (const p of ctx.procs) {
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
}

/** A bundle for `args` (absolute rootfs, writable, own hostname). */
export function makeBundle(w: World, id: string, args: string[], terminal = false): string {
  const dir = join(w.base, 'bundles', id);
  mkdirSync(dir, {recursive: true});
  const spec = structuredClone(w.spec);
  spec.process.args = args;
  spec.process.terminal = terminal;
  spec.root = {path: w.rootfs, readonly: false};
  spec.hostname = id.slice(0, 60);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(spec));
  return dir;
}

/** A process.json for `runc exec`, taken from the bundle's process spec. */
export function makeProcessJson(w: World, id: string, args: string[], terminal = false): string {
  const proc = {...structuredClone(w.spec.process), args, terminal};
  const path = join(w.base, `${id}-process-${++seq}.json`);
  writeFileSync(path, JSON.stringify(proc));
  return path;
}

export interface ShimOptions {
  bundle?: string;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
  exec?: string;
  stateDir?: string;
  log?: string;
}

export interface Started {
  proc: ChildProcess;
  /** The one line the shim printed on stdout. */
  line: string;
  /** The container's pid from `ready PID`, or 0. */
  pid: number;
  readyMs: number;
  state: string;
  log: string;
  sock: string;
  exited: Promise<number | null>;
}

export function shimArgs(w: World, id: string, o: ShimOptions): {args: string[]; state: string; log: string} {
  const state = o.stateDir ?? join(w.base, 'state', id);
  mkdirSync(state, {recursive: true});
  const log = o.log ?? join(state, 'json.log');
  const args = ['--id', id, '--runtime', RUNC, '--runtime-root', w.runtimeRoot, '--state-dir', state, '--log', log];
  if (o.bundle) args.push('--bundle', o.bundle);
  if (o.tty) args.push('--tty');
  if (o.stdin) args.push('--stdin');
  if (o.stdinOnce) args.push('--stdin-once');
  if (o.exec) args.push('--exec', o.exec);
  return {args, state, log};
}

/** Spawns the shim the way labd does (own session, stdout read) and waits for its line. */
export async function startShim(t: ExecutionContext<Ctx>, w: World, id: string, o: ShimOptions): Promise<Started> {
  const {args, state, log} = shimArgs(w, id, o);
  const t0 = performance.now();
  const proc = spawn(shimPath(), args, {detached: true, stdio: ['ignore', 'pipe', 'inherit']});
  t.context.procs.push(proc);
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const line = await firstLine(proc);
  const readyMs = performance.now() - t0;
  const m = /^ready (\d+)$/.exec(line);
  return {proc, line, pid: m ? Number(m[1]) : 0, readyMs, state, log, sock: join(state, 'attach.sock'), exited};
}

export function firstLine(proc: ChildProcess): Promise<string> {
  return new Promise((res) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        proc.stdout!.off('data', onData);
        res(buf.slice(0, nl));
      }
    };
    proc.stdout!.on('data', onData);
    // 'close', not 'exit': stdout may still hold the line when the process exits.
    proc.once('close', () => res(buf));
  });
}

/** Async, so the event loop keeps draining attach sockets meanwhile. */
export async function runc(w: World, ...args: string[]): Promise<string> {
  return (await execFileP(RUNC, ['--root', w.runtimeRoot, ...args], {encoding: 'utf8'})).stdout;
}

/** An attach connection that collects everything the shim sends until it closes. */
export interface Client {
  sock: Socket;
  data: () => Buffer;
  closed: Promise<Buffer>;
  /** Resolves once the collected bytes satisfy `pred`. */
  until: (pred: (b: Buffer) => boolean, ms?: number) => Promise<Buffer>;
}

/**
 * With ack, the request ends in "a" and the shim's "ok" (the client is registered, nothing the process writes from
 * now on can be missed) is awaited and left out of the data, so a test may start the process right after.
 */
export async function openClient(path: string, request: string, opts: {ack?: boolean} = {}): Promise<Client> {
  const sock = connect(path);
  await new Promise<void>((res, rej) => {
    sock.once('connect', res);
    sock.once('error', rej);
  });
  const chunks: Buffer[] = [];
  const waiters: Array<() => void> = [];
  sock.on('data', (d) => {
    chunks.push(d);
    for (const w of waiters.splice(0)) w();
  });
  sock.on('error', () => {});
  const closed = new Promise<Buffer>((res) => sock.once('close', () => {
    for (const w of waiters.splice(0)) w();
    res(Buffer.concat(chunks));
  }));
  sock.write(request);
  const data = () => Buffer.concat(chunks);
  const until = (pred: (b: Buffer) => boolean, ms = 10_000) =>
    new Promise<Buffer>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`timed out; got ${JSON.stringify(data().toString())}`)), ms);
      const check = () => {
        if (pred(data())) {
          clearTimeout(timer);
          res(data());
        } else if (sock.destroyed || sock.readableEnded) {
          clearTimeout(timer);
          rej(new Error(`closed; got ${JSON.stringify(data().toString())}`));
        } else {
          waiters.push(check);
        }
      };
      check();
    });
  if (opts.ack) {
    await until((b) => b.length >= 3);
    const all = data();
    if (all.subarray(0, 3).toString() !== 'ok\n') throw new Error(`no ack from the shim: ${JSON.stringify(all.toString())}`);
    chunks.splice(0, chunks.length, all.subarray(3));
  }
  return {sock, data, closed, until};
}

/** One request, the whole reply. */
export async function ask(path: string, request: string): Promise<string> {
  const c = await openClient(path, request);
  return (await c.closed).toString();
}

/** Splits Docker's multiplexed stream into per-stream text. */
export function demux(buf: Buffer): {stdout: string; stderr: string; frames: number} {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let off = 0;
  let frames = 0;
  while (off + 8 <= buf.length) {
    const stream = buf[off];
    if (buf[off + 1] !== 0 || buf[off + 2] !== 0 || buf[off + 3] !== 0) throw new Error('bad frame header');
    const len = buf.readUInt32BE(off + 4);
    if (off + 8 + len > buf.length) break;
    const payload = buf.subarray(off + 8, off + 8 + len);
    if (stream === 1) out.push(payload);
    else if (stream === 2) err.push(payload);
    else throw new Error(`bad stream ${stream}`);
    off += 8 + len;
    frames++;
  }
  if (off !== buf.length) throw new Error('trailing partial frame');
  return {stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), frames};
}

export interface LogEntry {
  log: string;
  stream: string;
  time: string;
}

/** The complete lines of a json-file log (the shim may be mid-write on the last). */
export function readLog(path: string): LogEntry[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogEntry);
}

export function streamText(entries: LogEntry[], stream: string): string {
  return entries.filter((e) => e.stream === stream).map((e) => e.log).join('');
}

export function readExit(state: string): {exitCode: number; signal: number | null; finishedAt: string} | undefined {
  const p = join(state, 'exit');
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : undefined;
}

export function procStatus(pid: number, field: string): string | undefined {
  try {
    const m = new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1];
  } catch {
    return undefined;
  }
}

export const RFC3339_NANO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;
