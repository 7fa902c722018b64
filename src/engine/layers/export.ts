// Filesystem calls are synchronous for the same reason as in assemble.ts: per-call thread-pool
// round trips dominated the time on layers made of many small files.
import {type BigIntStats, closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync} from 'node:fs';
import {Readable} from 'node:stream';
import {LayerError} from './errors.js';
import {OPAQUE_MARKER, WHITEOUT_PREFIX} from './whiteout.js';
import {absPath, bytesToName, joinRel} from './paths.js';
import {encodeHeader, END_OF_ARCHIVE, type HeaderSpec, paddingFor} from './tar-encode.js';
import {readXattrTree} from './xattr.js';

const READ_CHUNK = 256 * 1024;

type XattrTree = Map<string, Map<string, Buffer>>;

function isOpaque(attrs: Map<string, Buffer> | undefined): boolean {
  const value = attrs?.get('trusted.overlay.opaque') ?? attrs?.get('user.overlay.opaque');
  return value !== undefined && value.toString('latin1') === 'y';
}

/** Attributes worth carrying in a layer: not overlay's bookkeeping, not host SELinux labels. */
function exportable(attrs: Map<string, Buffer> | undefined): Map<string, Buffer> | undefined {
  if (attrs === undefined) return undefined;
  const kept = new Map<string, Buffer>();
  for (const [name, value] of attrs) {
    if (name.startsWith('trusted.overlay.') || name.startsWith('user.overlay.') || name === 'security.selinux') continue;
    kept.set(name, value);
  }
  return kept;
}

/** Metacopy files keep their data in a lower layer and redirected dirs name one; neither fits a tar diff. */
function refuseUnsupported(rel: string, attrs: Map<string, Buffer> | undefined): void {
  for (const kind of ['metacopy', 'redirect']) {
    if (attrs?.has(`trusted.overlay.${kind}`) || attrs?.has(`user.overlay.${kind}`)) {
      throw new LayerError(`overlay ${kind} entries cannot be exported; mount without ${kind === 'metacopy' ? 'metacopy' : 'redirect_dir'}`, rel);
    }
  }
}

function deviceNumbers(rdev: bigint): {devmajor: number; devminor: number} {
  return {
    devmajor: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)),
    devminor: Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)),
  };
}

function* fileContent(path: Buffer, rel: string, size: number): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    let left = size;
    while (left > 0) {
      const buffer = Buffer.allocUnsafe(Math.min(left, READ_CHUNK));
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) throw new LayerError('file shrank while it was being exported', rel);
      left -= bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}

interface Walk {
  root: Buffer;
  xattrs: XattrTree;
  /** dev:ino of multiply-linked files → first path, so later names become hardlink entries. */
  links: Map<string, string>;
}

interface Child {
  name: string;
  rel: string;
  stats: BigIntStats;
  whiteout: boolean;
}

/** Children with their archive names; sorted by those names, compared as bytes (locale-free). */
function children(walk: Walk, dirRel: string): Child[] {
  const list: Child[] = [];
  for (const raw of readdirSync(absPath(walk.root, dirRel), {encoding: 'buffer'})) {
    const rel = joinRel(dirRel, bytesToName(raw));
    const stats = lstatSync(absPath(walk.root, rel), {bigint: true});
    const whiteout = stats.isCharacterDevice() && stats.rdev === 0n;
    list.push({name: whiteout ? joinRel(dirRel, WHITEOUT_PREFIX + bytesToName(raw)) : rel, rel, stats, whiteout});
  }
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function* walkDir(walk: Walk, dirRel: string): AsyncGenerator<Buffer> {
  for (const {name, rel, stats, whiteout} of children(walk, dirRel)) {
    const path = absPath(walk.root, rel);
    const attrs = walk.xattrs.get(rel);
    refuseUnsupported(rel, attrs);
    const base = {
      mode: Number(stats.mode & 0o7777n),
      uid: Number(stats.uid),
      gid: Number(stats.gid),
      mtime: Number(stats.mtimeMs / 1000n),
      size: 0,
      xattrs: exportable(attrs),
    };
    const entry = (spec: Partial<HeaderSpec> & Pick<HeaderSpec, 'typeflag'>): Buffer => encodeHeader({...base, name, ...spec});
    if (whiteout) {
      yield entry({typeflag: '0', xattrs: undefined});
    } else if (stats.isDirectory()) {
      yield entry({name: `${name}/`, typeflag: '5'});
      // Right after its directory, so it applies before any of the directory's own entries.
      if (isOpaque(attrs)) yield entry({name: `${name}/${OPAQUE_MARKER}`, typeflag: '0', mode: 0o644, xattrs: undefined});
      yield* walkDir(walk, rel);
    } else if (stats.isFile()) {
      if (stats.nlink > 1n) {
        const key = `${stats.dev}:${stats.ino}`;
        const first = walk.links.get(key);
        if (first !== undefined) {
          yield entry({typeflag: '1', linkname: first, xattrs: undefined});
          continue;
        }
        walk.links.set(key, name);
      }
      const size = Number(stats.size);
      yield entry({typeflag: '0', size});
      yield* fileContent(path, rel, size);
      yield paddingFor(size);
    } else if (stats.isSymbolicLink()) {
      yield entry({typeflag: '2', linkname: bytesToName(readlinkSync(path, {encoding: 'buffer'}))});
    } else if (stats.isCharacterDevice() || stats.isBlockDevice()) {
      yield entry({typeflag: stats.isCharacterDevice() ? '3' : '4', ...deviceNumbers(stats.rdev)});
    } else if (stats.isFIFO()) {
      yield entry({typeflag: '6'});
    }
    // Sockets have no tar representation and are skipped, as tar itself does.
  }
}

async function* exportTar(upperDir: string): AsyncGenerator<Buffer> {
  const walk: Walk = {root: Buffer.from(upperDir), xattrs: await readXattrTree(upperDir), links: new Map()};
  yield* walkDir(walk, '');
  yield END_OF_ARCHIVE;
}

/**
 * A tar of an overlay upper dir as an image layer: sorted and reproducible, 0/0 character
 * devices turned back into `.wh.NAME` whiteouts and opaque dirs into `.wh..wh..opq` entries,
 * files sharing an inode as hardlinks. Timestamps are whole seconds; owners are numeric.
 */
export function exportDirectoryDiff(upperDir: string): Readable {
  return Readable.from(exportTar(upperDir), {objectMode: false});
}
