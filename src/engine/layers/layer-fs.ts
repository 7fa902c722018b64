import {randomBytes} from '../util/random.js';
import {chmodSync, lstatSync, lutimesSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, type Stats, unlinkSync} from 'node:fs';
import {join} from 'node:path';
import {LayerError} from './errors.js';
import {absPath, bytesToName, displayName, joinRel, parentOf} from './paths.js';
import {run} from './spawn.js';
import {setXattrs} from './xattr.js';

/** Called before a non-directory is deleted; returns true when it moved the file away itself. */
export type BeforeRemove = (rel: string, abs: Buffer) => boolean;

export type NodeKind = 'char' | 'block' | 'fifo';

function lstatOrNull(path: Buffer): Stats | null {
  return lstatSync(path, {throwIfNoEntry: false}) ?? null;
}

/**
 * The layer directory while an archive is unpacked into it. The directory is private to us,
 * so checking each path component with lstat once is enough: every directory we have
 * verified is remembered until something in the archive removes it. Work that must wait
 * until all entries are in place (directory mtimes, xattrs) is queued here too, and dropped
 * when its path is removed so it can never land on whatever replaces that path.
 *
 * Calls are synchronous: each takes microseconds, while a thread-pool round trip per call
 * made unpacking many small files several times slower. The event loop still turns between
 * input chunks.
 */
export class LayerFs {
  readonly root: Buffer;
  private readonly dirs = new Set<string>(['']);
  private readonly dirTimes = new Map<string, [number, number]>();
  private readonly xattrs = new Map<string, Map<string, Buffer>>();
  private readonly tmpPrefix = `.lab-mknod-${randomBytes(6).toString('hex')}-`;
  private tmpCount = 0;

  constructor(
    readonly rootPath: string,
    private readonly beforeRemove: BeforeRemove,
  ) {
    this.root = Buffer.from(rootPath);
  }

  abs(rel: string): Buffer {
    return absPath(this.root, rel);
  }

  stat(rel: string): Stats | null {
    return lstatOrNull(this.abs(rel));
  }

  /** Walks the ancestors of `rel` from the deepest verified one; `create` makes missing ones. */
  private checkAncestors(rel: string, entry: string, create: boolean, role: string): void {
    const parent = parentOf(rel);
    if (this.dirs.has(parent)) return;
    const parts = parent.split('/');
    let known = parts.length - 1;
    while (known > 0 && !this.dirs.has(parts.slice(0, known).join('/'))) known--;
    for (let i = known; i < parts.length; i++) {
      const prefix = parts.slice(0, i + 1).join('/');
      const stats = lstatOrNull(this.abs(prefix));
      if (stats === null) {
        if (!create) throw new LayerError(`${role} "${displayName(rel)}" is not in the layer`, entry);
        mkdirSync(this.abs(prefix));
        chmodSync(this.abs(prefix), 0o755);
      } else if (stats.isSymbolicLink()) {
        throw new LayerError(`${role} path passes through the symlink "${displayName(prefix)}"`, entry);
      } else if (!stats.isDirectory()) {
        throw new LayerError(`${role} path passes through "${displayName(prefix)}", which is not a directory`, entry);
      }
      this.dirs.add(prefix);
    }
  }

  /** Makes every ancestor of `rel` a real directory inside the layer; never follows symlinks. */
  ensureParents(rel: string, entry: string): void {
    this.checkAncestors(rel, entry, true, 'entry');
  }

  /** An existing path reached without symlinks, for hardlink targets. */
  existing(rel: string, entry: string, role: string): Stats {
    this.checkAncestors(rel, entry, false, role);
    const stats = this.stat(rel);
    if (stats === null) throw new LayerError(`${role} "${displayName(rel)}" is not in the layer`, entry);
    return stats;
  }

  /**
   * Removes whatever is at `rel` so a new entry can be created there without following a
   * link. A directory is kept when the new entry is a directory too; returns whether it was.
   */
  makeRoom(rel: string, keepDirectory: boolean): boolean {
    const stats = this.stat(rel);
    if (stats === null) return false;
    if (keepDirectory && stats.isDirectory()) return true;
    this.remove(rel, stats);
    return false;
  }

  private remove(rel: string, stats: Stats): void {
    const path = this.abs(rel);
    if (stats.isDirectory()) {
      for (const child of readdirSync(path, {encoding: 'buffer'})) {
        const childRel = joinRel(rel, bytesToName(child));
        this.remove(childRel, lstatSync(this.abs(childRel)));
      }
      rmdirSync(path);
      this.dirs.delete(rel);
      this.dirTimes.delete(rel);
    } else if (!this.beforeRemove(rel, path)) {
      unlinkSync(path);
    }
    this.xattrs.delete(rel);
  }

  noteDirectory(rel: string): void {
    this.dirs.add(rel);
  }

  /** Directory times are set last: creating children would change them again. */
  deferTimes(rel: string, atime: number, mtime: number): void {
    this.dirTimes.set(rel, [atime, mtime]);
  }

  /** Queued for one setfattr run at the end, after ownership changes that would clear capabilities. */
  addXattrs(rel: string, values: Map<string, Buffer>): void {
    if (values.size === 0) return;
    const current = this.xattrs.get(rel) ?? new Map<string, Buffer>();
    for (const [name, value] of values) current.set(name, value);
    this.xattrs.set(rel, current);
  }

  /**
   * Node has no mknod(2). The node is made under a fixed ASCII name in the layer root and
   * renamed into place, so any entry name works even though process arguments must be text.
   */
  async mknod(rel: string, kind: NodeKind, mode: number, major: number, minor: number): Promise<void> {
    const tmp = join(this.rootPath, `${this.tmpPrefix}${this.tmpCount++}`);
    const type = kind === 'char' ? 'c' : kind === 'block' ? 'b' : 'p';
    const numbers = kind === 'fifo' ? [] : [String(major), String(minor)];
    await run('mknod', ['-m', (mode & 0o7777).toString(8), '--', tmp, type, ...numbers]);
    try {
      renameSync(tmp, this.abs(rel));
    } catch (error) {
      rmSync(tmp, {force: true});
      throw error;
    }
  }

  async finish(): Promise<void> {
    if (this.xattrs.size > 0) {
      try {
        await setXattrs(this.rootPath, this.xattrs);
      } catch (error) {
        throw new LayerError(`cannot set extended attributes: ${(error as Error).message}`);
      }
    }
    for (const [rel, [atime, mtime]] of this.dirTimes) lutimesSync(this.abs(rel), atime, mtime);
  }
}
