import {createHash} from 'node:crypto';
import {lstat, open, readdir, readFile, readlink} from 'node:fs/promises';
import {BuildError} from '../support/errors.js';
import {run} from '../support/exec.js';
import {encodeHeader, END_OF_ARCHIVE, paddingFor} from '../../engine/layers/tar-encode.js';

// A layer taken from a whole root filesystem on disk (debootstrap's output). Unlike the
// recipe-assembled layers, owners, set-id bits, hard links, device nodes and file
// capabilities all come from the tree itself.

export interface TreeMember {
  /** Byte string held in a latin1 JS string; directories end with '/'. */
  name: string;
  type: '0' | '1' | '2' | '3' | '4' | '5' | '6';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes written as SCHILY.xattr.<name> records. */
  xattrs?: [string, Buffer][];
  /** Absolute path of the file whose bytes follow a regular-file header. */
  source?: Buffer;
}

export interface TreeLayer {
  diffId: string;
  size: number;
  members: number;
}

/** Only file capabilities are kept: other xattrs (SELinux labels, user.*) describe the build host. */
const KEPT_XATTRS = /^security\.capability$/;
const FLUSH_AT = 4 << 20;

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));

/** Linux dev_t → (major, minor), as glibc's gnu_dev_major/minor split it. */
function splitDev(rdev: bigint): {devmajor: number; devminor: number} {
  const devmajor = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const devminor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return {devmajor, devminor};
}

/** Every path below root (latin1 byte strings, relative, no leading slash), sorted by bytes. */
async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    const dir = Buffer.from(rel === '' ? root : `${root}/${rel}`, 'latin1');
    for (const entry of await readdir(dir, {encoding: 'buffer', withFileTypes: true})) {
      const name = (entry.name as unknown as Buffer).toString('latin1');
      const child = rel === '' ? name : `${rel}/${name}`;
      out.push(child);
      if (entry.isDirectory()) await walk(child);
    }
  };
  await walk('');
  return out.sort(byBytes);
}

/** Reads the kept xattrs of the whole tree in one getfattr run (Node has no xattr API). */
export async function readXattrs(root: string): Promise<Map<string, [string, Buffer][]>> {
  let stdout: Buffer;
  try {
    ({stdout} = await run('getfattr', ['--absolute-names', '-R', '-P', '-h', '-d', '-e', 'hex', '-m', KEPT_XATTRS.source, root], {
      env: {...process.env, LC_ALL: 'C'},
    }));
  } catch (error) {
    const missing = /ENOENT|cannot run/.test((error as Error).message);
    throw new BuildError(
      missing ? 'getfattr is needed to keep file capabilities in the layer (apt-get install attr)' : `reading extended attributes: ${(error as Error).message}`,
      {cause: error},
    );
  }
  const result = new Map<string, [string, Buffer][]>();
  let current: string | undefined;
  for (const line of stdout.toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) {
      // getfattr escapes unusual bytes in names as \ooo.
      const path = line.slice(8).replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
      current = path === root ? '' : path.startsWith(`${root}/`) ? path.slice(root.length + 1) : undefined;
      continue;
    }
    const m = /^([^=]+)=0x([0-9a-f]*)$/.exec(line);
    if (m && current !== undefined && KEPT_XATTRS.test(m[1]!)) {
      const list = result.get(current) ?? [];
      list.push([m[1]!, Buffer.from(m[2]!, 'hex')]);
      result.set(current, list.sort(([a], [b]) => byBytes(a, b)));
    }
  }
  return result;
}

/** Describes the tree as tar members: numeric owners and modes as on disk, one fixed mtime. */
export async function treeMembers(root: string, mtime: number, xattrs: Map<string, [string, Buffer][]>): Promise<TreeMember[]> {
  const rootDev = (await lstat(root, {bigint: true})).dev;
  const firstOfInode = new Map<string, string>();
  const members: TreeMember[] = [];
  for (const rel of await listTree(root)) {
    const abs = Buffer.from(`${root}/${rel}`, 'latin1');
    const s = await lstat(abs, {bigint: true});
    if (s.dev !== rootDev) throw new BuildError(`/${rel} is on another file system (still mounted?); refusing to pack it`);
    const base = {name: rel, mode: Number(s.mode & 0o7777n), uid: Number(s.uid), gid: Number(s.gid), size: 0, mtime, xattrs: xattrs.get(rel)};
    if (s.isDirectory()) {
      members.push({...base, name: `${rel}/`, type: '5'});
    } else if (s.isFile()) {
      const inode = `${s.dev}:${s.ino}`;
      const first = s.nlink > 1n ? firstOfInode.get(inode) : undefined;
      if (first !== undefined) {
        // Sorted order decides which name carries the data; the others link to it.
        members.push({...base, type: '1', linkname: first});
      } else {
        if (s.nlink > 1n) firstOfInode.set(inode, rel);
        members.push({...base, type: '0', size: Number(s.size), source: abs});
      }
    } else if (s.isSymbolicLink()) {
      members.push({...base, type: '2', linkname: (await readlink(abs, {encoding: 'buffer'})).toString('latin1')});
    } else if (s.isCharacterDevice() || s.isBlockDevice()) {
      members.push({...base, type: s.isCharacterDevice() ? '3' : '4', ...splitDev(s.rdev)});
    } else if (s.isFIFO()) {
      members.push({...base, type: '6'});
    } else {
      throw new BuildError(`/${rel} is a socket or another kind of file tar cannot hold`);
    }
  }
  return members;
}

/** Writes the members as an uncompressed tar and returns its digest (the layer's diff_id). */
export async function writeTreeLayer(members: TreeMember[], dest: string): Promise<TreeLayer> {
  const hash = createHash('sha256');
  const out = await open(dest, 'w');
  let size = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const chunk = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await out.write(chunk);
  };
  const push = async (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= FLUSH_AT) await flush();
  };
  try {
    for (const m of members) {
      // The same header encoder as the engine's layer export: one tar writer in the project.
      await push(encodeHeader({...m, typeflag: m.type, xattrs: m.xattrs ? new Map(m.xattrs) : undefined}));
      if (m.type !== '0' || m.source === undefined) continue;
      const data = await readFile(m.source);
      if (data.length !== m.size) throw new BuildError(`/${m.name} changed size while the layer was written`);
      await push(data);
      await push(paddingFor(data.length));
    }
    await push(END_OF_ARCHIVE);
    await flush();
  } finally {
    await out.close();
  }
  return {diffId: `sha256:${hash.digest('hex')}`, size, members: members.length};
}
