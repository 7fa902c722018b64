import {createHash} from 'node:crypto';
import {
  chmodSync, closeSync, constants, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lutimesSync, mkdirSync, openSync, symlinkSync, writeSync,
} from 'node:fs';
import {entryFailure, LayerError} from './errors.js';
import type {LayerFs} from './layer-fs.js';
import {baseOf, displayName, joinRel, nameToBytes, normalizeMemberPath, parentOf, PathRejected} from './paths.js';
import type {RefStash} from './stash.js';
import type {TarSplitWriter} from './tar-split.js';
import type {TarEntry, TarWalker} from './tar-walker.js';
import {OPAQUE_MARKER, OVERLAY_OPAQUE_XATTR, WHITEOUT_META_PREFIX, WHITEOUT_PREFIX} from './whiteout.js';

export interface ExtractContext {
  fs: LayerFs;
  walker: TarWalker;
  split: TarSplitWriter;
  stash: RefStash;
}

const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

function memberPath(name: string, entry: string, role?: string): string {
  try {
    return normalizeMemberPath(name);
  } catch (error) {
    if (!(error instanceof PathRejected)) throw error;
    throw new LayerError(role ? `${role} ${JSON.stringify(displayName(name))}: ${error.message}` : error.message, entry);
  }
}

/**
 * Attributes that are safe to restore. Overlay's own trusted.overlay.* (and user.overlay.*)
 * attributes would let a layer steer the mount (redirects, metacopy), so they are dropped;
 * opacity comes only from .wh..wh..opq. user.* is not allowed on links and special files.
 */
function wantedXattrs(entry: TarEntry): Map<string, Buffer> {
  const wanted = new Map<string, Buffer>();
  const userAllowed = entry.kind === 'file' || entry.kind === 'dir';
  for (const [name, value] of entry.xattrs) {
    if (name.startsWith('trusted.overlay.') || name.startsWith('user.overlay.')) continue;
    if (name.startsWith('user.') && !userAllowed) continue;
    wanted.set(name, value);
  }
  return wanted;
}

/**
 * Unpacks one entry into the layer dir and returns the bytes it adds to the layer's size (file data, link
 * targets). Every path is checked component by component first (LayerFs.ensureParents), and the final
 * component is always created fresh, so nothing is ever written through a symlink.
 */
export async function extractEntry(entry: TarEntry, ctx: ExtractContext): Promise<number> {
  const rel = memberPath(entry.name, entry.name);
  const parts = rel === '' ? [] : rel.split('/');
  const base = parts.length > 0 ? parts[parts.length - 1]! : '';
  if (parts.some((part) => part.startsWith(WHITEOUT_META_PREFIX) && part !== OPAQUE_MARKER)) return 0;
  if (parts.slice(0, -1).some((part) => part.startsWith(WHITEOUT_PREFIX))) {
    throw new LayerError('a whiteout name cannot be used as a directory', entry.name);
  }
  const {fs} = ctx;
  try {
    if (base === OPAQUE_MARKER) {
      fs.ensureParents(rel, entry.name);
      fs.addXattrs(parentOf(rel), new Map([[OVERLAY_OPAQUE_XATTR, Buffer.from('y')]]));
      return 0;
    }
    if (base.startsWith(WHITEOUT_PREFIX)) {
      await whiteout(entry, rel, fs);
      return 0;
    }
    if (rel === '') {
      if (entry.kind !== 'dir') throw new LayerError('the layer root can only be a directory', entry.name);
      applyDirMeta(entry, '', fs);
      return 0;
    }
    fs.ensureParents(rel, entry.name);
    switch (entry.kind) {
      case 'file':
        return await writeFile(entry, rel, ctx);
      case 'dir':
        if (!fs.makeRoom(rel, true)) mkdirSync(fs.abs(rel), 0o700);
        fs.noteDirectory(rel);
        applyDirMeta(entry, rel, fs);
        return 0;
      case 'symlink': {
        fs.makeRoom(rel, false);
        const path = fs.abs(rel);
        symlinkSync(nameToBytes(entry.linkname), path);
        lchownSync(path, entry.uid, entry.gid);
        lutimesSync(path, entry.atime, entry.mtime);
        fs.addXattrs(rel, wantedXattrs(entry));
        // A symlink's own size (its target's length) counts, as in dockerd's walk of a layer's files.
        return nameToBytes(entry.linkname).length;
      }
      case 'hardlink':
        hardlink(entry, rel, fs);
        return 0;
      case 'char':
      case 'block':
      case 'fifo': {
        fs.makeRoom(rel, false);
        await fs.mknod(rel, entry.kind, entry.mode, entry.devmajor, entry.devminor);
        const path = fs.abs(rel);
        lchownSync(path, entry.uid, entry.gid);
        // chown clears set-id bits, so the mode goes on afterwards.
        chmodSync(path, entry.mode);
        lutimesSync(path, entry.atime, entry.mtime);
        fs.addXattrs(rel, wantedXattrs(entry));
        return 0;
      }
    }
  } catch (error) {
    throw entryFailure(entry.name, 'cannot extract', error);
  }
}

function applyDirMeta(entry: TarEntry, rel: string, fs: LayerFs): void {
  const path = fs.abs(rel);
  lchownSync(path, entry.uid, entry.gid);
  chmodSync(path, entry.mode);
  fs.deferTimes(rel, entry.atime, entry.mtime);
  fs.addXattrs(rel, wantedXattrs(entry));
}

async function writeFile(entry: TarEntry, rel: string, ctx: ExtractContext): Promise<number> {
  ctx.fs.makeRoom(rel, false);
  // O_EXCL|O_NOFOLLOW: even if something reappeared at the path, it is never written through.
  const fd = openSync(ctx.fs.abs(rel), CREATE_FILE, 0o600);
  const hash = createHash('sha256');
  try {
    for await (const chunk of ctx.walker.data()) {
      hash.update(chunk);
      let offset = 0;
      while (offset < chunk.length) offset += writeSync(fd, chunk, offset);
    }
    fchownSync(fd, entry.uid, entry.gid);
    // chown clears set-id bits, so the mode goes on afterwards.
    fchmodSync(fd, entry.mode);
    futimesSync(fd, entry.atime, entry.mtime);
  } finally {
    closeSync(fd);
  }
  if (entry.size > 0) ctx.stash.track(rel, await ctx.split.file(rel, entry.size, hash.digest('hex')));
  ctx.fs.addXattrs(rel, wantedXattrs(entry));
  return entry.size;
}

function hardlink(entry: TarEntry, rel: string, fs: LayerFs): void {
  const target = memberPath(entry.linkname, entry.name, 'hardlink target');
  if (target === '') throw new LayerError('hardlink target is the layer root', entry.name);
  if (target === rel) throw new LayerError('hardlink points to itself', entry.name);
  const stats = fs.existing(target, entry.name, 'hardlink target');
  if (stats.isDirectory()) throw new LayerError(`hardlink target "${displayName(target)}" is a directory`, entry.name);
  fs.makeRoom(rel, false);
  // link(2) does not follow a symlink target on Linux, so this links the entry itself.
  linkSync(fs.abs(target), fs.abs(rel));
}

/** `.wh.NAME` becomes what overlayfs itself uses: a 0/0 character device named NAME. */
async function whiteout(entry: TarEntry, rel: string, fs: LayerFs): Promise<void> {
  const name = baseOf(rel).slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') throw new LayerError('invalid whiteout name', entry.name);
  const target = joinRel(parentOf(rel), name);
  fs.ensureParents(target, entry.name);
  // Whiteouts only hide lower layers; something this layer itself added stays.
  if (fs.stat(target) !== null) return;
  await fs.mknod(target, 'char', 0, 0, 0);
  lchownSync(fs.abs(target), entry.uid, entry.gid);
  // Kept so that exporting the layer again gives the same whiteout entry.
  lutimesSync(fs.abs(target), entry.atime, entry.mtime);
}
