/**
 * `docker cp`: a path's stat, a tar of it, and a tar unpacked into a directory, all done by labd-cp from inside
 * the container's own root (its mount namespace while it runs, a chroot into its mounted root when it does not),
 * so the container's symlinks, and an archive's `..` or absolute names, can only ever reach the container's files.
 * The tar work is busybox's (static), since the container itself may have no tar at all.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join, posix} from 'node:path';
import {Readable} from 'node:stream';
import {elfFacts} from '../../common/elf.js';
import {packageRoot} from '../../common/package-root.js';
import type {LayerStore} from '../images/layer-store.js';
import type {ContainerRecord} from '../model/container.js';
import {mountPointsOf} from '../volumes/container-volumes.js';
import {isMounted, mountRwLayer, rwLayerPaths, unmountRwLayer} from './rw-layer.js';

/** A volume or bind a stopped container's root shows during a copy: host path, path in the container, writable. */
export interface CopyBind {
  source: string;
  destination: string;
  rw: boolean;
}

/**
 * Where labd-cp works: a running container's process (its namespace and root), or a stopped one's mounted root
 * with its volumes and binds mounted on it for the copy (as dockerd does), outermost first.
 */
export type CopyTarget = {pid: number} | {root: string; binds?: CopyBind[]};

/** Docker's container path stat (the X-Docker-Container-Path-Stat header): mode is Go's os.FileMode. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export class CopyError extends Error {
  override name = 'CopyError';
}

const copier = () => join(packageRoot(), 'dist', 'shim', 'labd-cp');

let busybox: string | undefined;
/** A statically linked busybox (Debian's busybox-static): it must run inside a root that has no C library. */
function staticBusybox(): string {
  if (busybox) return busybox;
  for (const path of ['/bin/busybox', '/usr/bin/busybox']) {
    if (existsSync(path) && !elfFacts(path)?.interpreter) return (busybox = path);
  }
  throw new CopyError('docker cp needs a statically linked busybox on the engine\'s machine: apt-get install busybox-static');
}

function copierArgs(target: CopyTarget, command: string[]): string[] {
  const where = 'pid' in target ? ['--pid', String(target.pid)] : ['--root', target.root, ...(target.binds ?? []).flatMap((b) => ['--bind', b.source, b.destination, b.rw ? 'rw' : 'ro'])];
  return [...where, '--busybox', staticBusybox(), '--', ...command];
}

/** Go's os.FileMode bits from st_mode, as the docker CLI decodes them. */
export function goFileMode(stMode: number): number {
  let mode = stMode & 0o777;
  if (stMode & 0o4000) mode += 2 ** 23;
  if (stMode & 0o2000) mode += 2 ** 22;
  if (stMode & 0o1000) mode += 2 ** 20;
  const type = stMode & 0o170000;
  const typeBits: Record<number, number> = {0o040000: 2 ** 31, 0o120000: 2 ** 27, 0o010000: 2 ** 25, 0o140000: 2 ** 24, 0o060000: 2 ** 26, 0o020000: 2 ** 26 + 2 ** 21};
  return mode + (typeBits[type] ?? 0);
}

function run(target: CopyTarget, command: string[], input?: Readable): Promise<{code: number; stdout: Buffer; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(copier(), copierArgs(target, command), {stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe']});
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({code: code ?? 1, stdout: Buffer.concat(out), stderr: err.trim()}));
    if (input) {
      input.on('error', () => child.kill('SIGKILL'));
      input.pipe(child.stdin!);
    }
  });
}

/** lstat of `path` as the container sees it (links on the way followed inside it); undefined when it is not there. */
export async function statPath(target: CopyTarget, path: string): Promise<PathStat | undefined> {
  const r = await run(target, ['stat', path]);
  if (r.code === 2) return undefined;
  if (r.code !== 0) throw new CopyError(`cannot stat ${path}: ${r.stderr}`);
  const nl = r.stdout.indexOf(0x0a);
  const [stMode, size, sec, nsec, linkLength] = r.stdout.subarray(0, nl).toString().split(' ').map(Number);
  const mtime = new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, `.${String(nsec).padStart(9, '0')}Z`);
  const normalized = posix.normalize(path);
  const name = normalized === '/' ? '/' : /\/\.$/.test(path) ? '.' : posix.basename(normalized.replace(/\/+$/, ''));
  return {name, size, mode: goFileMode(stMode), mtime, linkTarget: r.stdout.subarray(nl + 1, nl + 1 + linkLength).toString()};
}

/** A tar of `path` (its last component as the archive's top entry) streaming from the returned process's stdout. */
export function tarFrom(target: CopyTarget, path: string): ChildProcess {
  const normalized = posix.normalize(path).replace(/(.)\/+$/, '$1');
  // "DIR/." asks for what is in DIR (docker cp c:/dir/. out), so the archive's names start with "./".
  const [dir, base] = normalized === '/' || /\/\.$/.test(path) ? [normalized, '.'] : [posix.dirname(normalized), posix.basename(normalized)];
  return spawn(copier(), copierArgs(target, ['tar', '-c', '-f', '-', '-C', dir, '--', base]), {stdio: ['ignore', 'pipe', 'pipe']});
}

/** Unpacks a tar into the directory `dir`; without `keepOwners` the files belong to the container's root, as with Docker. */
export async function tarInto(target: CopyTarget, dir: string, archive: Readable, keepOwners: boolean): Promise<void> {
  // An empty body is an archive with nothing in it, as dockerd reads it (tar itself calls it a short read).
  const chunks = archive[Symbol.asyncIterator]();
  const head = await chunks.next();
  if (head.done) return;
  const replay = Readable.from((async function* () {
    yield head.value as Buffer;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value as Buffer;
  })());
  const r = await run(target, ['tar', '-x', '-f', '-', '-C', dir, ...(keepOwners ? [] : ['-o'])], replay);
  if (r.code !== 0) throw new CopyError(`cannot extract the archive into ${dir}: ${r.stderr.replace(/^tar: /, '') || `tar exited ${r.code}`}`);
}

/** `docker export`: the container's root file system as one tar, without its volumes or the kernel's /proc and /sys. */
export function tarOfRoot(root: string): ChildProcess {
  return spawn(copier(), copierArgs({root}, ['tar', '-c', '-f', '-', '-C', '/', '.']), {stdio: ['ignore', 'pipe', 'pipe']});
}

/**
 * Runs `work` against the container's files: a running container through its process, a stopped one (or any, with
 * `rootOnly`) through its root, mounted for the time it takes (and unmounted again unless the container started meanwhile).
 */
export async function withCopyTarget<T>(c: ContainerRecord, layers: LayerStore, work: (target: CopyTarget) => Promise<T>, rootOnly = false): Promise<T> {
  if (!rootOnly && c.State.Running && c.State.Pid > 0) return work({pid: c.State.Pid});
  const paths = rwLayerPaths(layers, c.MountID);
  const use = await acquireRoot(layers, paths);
  try {
    await use.ready;
    return await work(rootOnly ? {root: paths.merged} : {root: paths.merged, binds: copyBinds(c)});
  } finally {
    if (--use.count === 0) {
      // The entry stays until the unmount is over: a copy arriving meanwhile waits for it, then mounts afresh,
      // rather than finding the root "still mounted" and writing into the bare directory under it.
      const unmount = use.mountedHere && !c.State.Running ? unmountRwLayer(paths).catch(() => {}) : Promise.resolve();
      use.unmounting = unmount.finally(() => rootUses.delete(paths.merged));
      await use.unmounting;
    }
  }
}

/** Copies of one stopped container share its mounted root; the last one out unmounts it, if the first mounted it. */
interface RootUse {
  count: number;
  mountedHere: boolean;
  /** The mount the first user started: the others wait for it too. */
  ready: Promise<void>;
  unmounting?: Promise<void>;
}
const rootUses = new Map<string, RootUse>();

async function acquireRoot(layers: LayerStore, paths: ReturnType<typeof rwLayerPaths>): Promise<RootUse> {
  for (;;) {
    const use = rootUses.get(paths.merged);
    if (use?.unmounting) {
      await use.unmounting;
      continue;
    }
    if (use) {
      use.count++;
      return use;
    }
    const mountedHere = !isMounted(paths.merged);
    const fresh: RootUse = {count: 1, mountedHere, ready: mountRwLayer(layers, paths)};
    rootUses.set(paths.merged, fresh);
    return fresh;
  }
}

/** The container's volumes and binds whose host side exists, parents before what is mounted inside them. */
function copyBinds(c: ContainerRecord): CopyBind[] {
  const depth = (p: string) => posix.normalize(p).split('/').filter(Boolean).length;
  return mountPointsOf(c)
    .filter((m) => (m.Type === 'volume' || m.Type === 'bind') && m.Source && existsSync(m.Source))
    .sort((a, b) => depth(a.Destination) - depth(b.Destination))
    .map((m) => ({source: m.Source, destination: posix.normalize(m.Destination), rw: m.RW}));
}

/** For writing a response: the stat header's value. */
export const statHeader = (stat: PathStat): string => Buffer.from(JSON.stringify(stat)).toString('base64');
