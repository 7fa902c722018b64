/**
 * Putting files into the root a COPY/ADD step writes to. The destination path is resolved inside that root
 * (an image's own symlinks are followed, but only within it); below it, nothing is ever followed: whatever is
 * in the way of a new entry is removed and the entry created fresh. Owners default to 0:0 as in Docker.
 */
import {execFile} from 'node:child_process';
import {
  chmodSync, constants, copyFileSync, lchownSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync,
  utimesSync, type Stats,
} from 'node:fs';
import {join, relative} from 'node:path';
import {promisify} from 'node:util';
import {resolveInRoot} from '../util/rootfs-path.js';
import type {Owner} from './chown.js';

const exec = promisify(execFile);

export interface CopyOptions {
  /** Owner for everything written; undefined keeps the source's owner (ADD of an archive). */
  owner?: Owner;
  /** Mode for everything written (--chmod); undefined keeps the source's mode. */
  mode?: number;
}

function ownerOf(stats: Stats, opts: CopyOptions): Owner {
  return opts.owner ?? {uid: stats.uid, gid: stats.gid};
}

function clear(path: string, keepDirectory: boolean): boolean {
  const existing = lstatSync(path, {throwIfNoEntry: false});
  if (!existing) return false;
  if (keepDirectory && existing.isDirectory()) return true;
  rmSync(path, {recursive: true, force: true});
  return false;
}

/**
 * Makes `dest` (an absolute path inside `root`) a directory, creating missing parents owned by `owner` with
 * mode 0755; returns its host path. A file in the way is an error, not something to replace.
 */
export function ensureDirectory(root: string, dest: string, owner: Owner): string {
  const target = resolveInRoot(root, dest);
  let current = root;
  for (const part of relative(root, target).split('/').filter(Boolean)) {
    current = join(current, part);
    const stats = lstatSync(current, {throwIfNoEntry: false});
    if (!stats) {
      mkdirSync(current);
      chmodSync(current, 0o755);
      lchownSync(current, owner.uid, owner.gid);
    } else if (!stats.isDirectory()) {
      throw new Error(`cannot create directory ${dest}: /${relative(root, current)} exists and is not a directory`);
    }
  }
  return target;
}

/** The host path a file copied to `dest` lands at: parents created, symlinks in the image followed inside it. */
export function prepareFileTarget(root: string, dest: string, owner: Owner): string {
  const target = resolveInRoot(root, dest);
  const parent = relative(root, target).split('/').slice(0, -1).join('/');
  ensureDirectory(root, '/' + parent, owner);
  return target;
}

async function makeNode(src: Stats, path: string): Promise<void> {
  const type = src.isFIFO() ? ['p'] : [src.isCharacterDevice() ? 'c' : 'b', String(Math.floor(src.rdev / 256) & 0xfff), String((src.rdev & 0xff) | ((src.rdev >> 12) & 0xfff00))];
  await exec('mknod', ['-m', (src.mode & 0o7777).toString(8), '--', path, ...type]);
}

/** Copies one entry to `path` (which may exist and is replaced, or merged when both are directories). */
export async function copyEntry(src: string, stats: Stats, path: string, opts: CopyOptions): Promise<void> {
  const owner = ownerOf(stats, opts);
  const mode = opts.mode ?? stats.mode & 0o7777;
  if (stats.isDirectory()) {
    if (!clear(path, true)) mkdirSync(path);
    lchownSync(path, owner.uid, owner.gid);
    chmodSync(path, mode);
    await copyChildren(src, path, opts);
    utimesSync(path, stats.atime, stats.mtime);
  } else if (stats.isFile()) {
    clear(path, false);
    // EXCL: the path was just cleared; anything reappearing there is never written through.
    copyFileSync(src, path, constants.COPYFILE_EXCL);
    lchownSync(path, owner.uid, owner.gid);
    // chown clears set-id bits, so the mode goes on afterwards.
    chmodSync(path, mode);
    utimesSync(path, stats.atime, stats.mtime);
  } else if (stats.isSymbolicLink()) {
    clear(path, false);
    symlinkSync(readlinkSync(src), path);
    lchownSync(path, owner.uid, owner.gid);
    lutimesSync(path, stats.atime, stats.mtime);
  } else if (stats.isFIFO() || stats.isCharacterDevice() || stats.isBlockDevice()) {
    clear(path, false);
    await makeNode(stats, path);
    lchownSync(path, owner.uid, owner.gid);
    chmodSync(path, mode);
    lutimesSync(path, stats.atime, stats.mtime);
  }
  // Sockets cannot be copied; like tar, skip them.
}

/** Copies what is inside directory `src` into the existing directory `path`. */
export async function copyChildren(src: string, path: string, opts: CopyOptions): Promise<void> {
  for (const name of readdirSync(src).sort()) {
    const child = join(src, name);
    await copyEntry(child, lstatSync(child), join(path, name), opts);
  }
}
