/**
 * A submission handed in as a `.zip` or `.tar.gz`, unpacked into an empty folder of the sandbox as a hostile
 * archive must be: only regular files and folders are written, never a link or a device; a name that is absolute
 * or climbs out with ".." is refused; each file, the total and the entry count are bounded while unpacking (a
 * zip's declared sizes are not trusted: inflating stops at the limit). What was left out is said, per entry.
 */
import {createReadStream, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {dirname, join, posix} from 'node:path';
import {pipeline} from 'node:stream/promises';
import {createGunzip, inflateRawSync} from 'node:zlib';
import tar from 'tar-stream';
import type {SubmissionKind} from './listing.js';
import {type CopyLimits, overLimit} from './submissions.js';
import {zonedTime} from './zoned-time.js';

export interface UnpackReport {
  problems: string[];
}

class Unpacker {
  files = 0;
  bytes = 0;
  problems: string[] = [];
  constructor(private dest: string, readonly limits: CopyLimits, readonly zone?: string) {}

  /** The entry's path inside the submission, or undefined (and a problem said) when it would land outside. */
  place(name: string): string | undefined {
    const path = posix.normalize(name.replace(/\\/g, '/')).replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    // "./" is the archive's own top folder: nothing to make, nothing to say.
    if (!name.startsWith('/') && (path === '.' || path === '')) return undefined;
    if (name.startsWith('/') || path === '..' || path.startsWith('../')) {
      this.problems.push(`${name}: a path outside the submission, not unpacked`);
      return undefined;
    }
    return path;
  }

  /** Whether a file of `size` may still come in; says why not. */
  admit(path: string, size: number): boolean {
    if (this.files >= this.limits.maxFiles) {
      this.problems.push(`${path}: more than ${this.limits.maxFiles} files, the rest left out`);
      return false;
    }
    const over = overLimit(size, this.bytes, this.limits);
    if (over) this.problems.push(`${path}: ${over}, left out`);
    return !over;
  }

  /** `modified`: the entry's own time, kept on the file (an LMS download's times are its hand-in times). */
  write(path: string, data: Buffer, executable: boolean, modified?: Date): void {
    try {
      mkdirSync(dirname(join(this.dest, path)), {recursive: true, mode: 0o755});
      writeFileSync(join(this.dest, path), data, {mode: executable ? 0o755 : 0o644, flag: 'wx'});
      if (modified) utimesSync(join(this.dest, path), modified, modified);
      this.files++;
      this.bytes += data.length;
    } catch (error) {
      this.problems.push(`${path}: cannot be unpacked (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), left out`);
    }
  }

  directory(path: string): void {
    mkdirSync(join(this.dest, path), {recursive: true, mode: 0o755});
  }
}

const linkProblem = (path: string, kind: string, target: string) => `${path}: ${kind} to ${target}, not unpacked (links are not followed)`;

/** What an archive may hold in all, entries left out included: past it, unpacking stops (a gzip bomb is not read through). */
const archiveBounds = (limits: CopyLimits) => ({bytes: 4 * limits.maxBytes + 64 * 1048576, entries: 4 * limits.maxFiles + 100});

async function unpackTarGz(file: string, u: Unpacker, limits: CopyLimits): Promise<void> {
  const extract = tar.extract();
  const bounds = archiveBounds(limits);
  let [declared, entries] = [0, 0];
  extract.on('entry', (header, stream, next) => {
    stream.on('error', () => undefined);
    declared += header.size ?? 0;
    if (++entries > bounds.entries || declared > bounds.bytes) {
      const what = entries > bounds.entries ? `more than ${bounds.entries} entries` : `more than ${Math.round(bounds.bytes / 1048576)} MiB`;
      extract.destroy(new Error(`it holds ${what}; unpacking stopped there`));
      return;
    }
    const path = u.place(header.name);
    const skip = () => {
      stream.resume();
      next();
    };
    if (!path) return skip();
    if (header.type === 'directory') {
      u.directory(path);
      return skip();
    }
    if (header.type === 'symlink' || header.type === 'link') {
      u.problems.push(linkProblem(path, header.type === 'symlink' ? 'a symlink' : 'a hard link', header.linkname ?? '?'));
      return skip();
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      u.problems.push(`${path}: a ${header.type ?? 'special'} entry, not unpacked`);
      return skip();
    }
    if (!u.admit(path, header.size ?? 0)) return skip();
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c as Buffer));
    stream.on('end', () => {
      u.write(path, Buffer.concat(chunks), Boolean((header.mode ?? 0) & 0o100), header.mtime);
      next();
    });
  });
  await pipeline(createReadStream(file), createGunzip(), extract);
}

/**
 * A zip entry's modification time: the extended timestamp (extra field 0x5455, Unix seconds in UTC) when the
 * writer added one (Info-ZIP's zip does), else the DOS date and time, which carry no zone and are read in `zone`.
 */
export function zipEntryTime(dosTime: number, dosDate: number, extra: Buffer, zone?: string): Date | undefined {
  for (let i = 0; i + 4 <= extra.length;) {
    const [id, len] = [extra.readUInt16LE(i), extra.readUInt16LE(i + 2)];
    if (id === 0x5455 && len >= 5 && i + 9 <= extra.length && extra[i + 4] & 1) return new Date(extra.readUInt32LE(i + 5) * 1000);
    i += 4 + len;
  }
  return zonedTime({year: 1980 + (dosDate >> 9), month: (dosDate >> 5) & 15, day: dosDate & 31, hour: dosTime >> 11, minute: (dosTime >> 5) & 63, second: (dosTime & 31) * 2}, zone);
}

/** A zip read from its central directory; entries inflated one at a time, never past the limits. */
function unpackZip(file: string, u: Unpacker): void {
  const zip = readFileSync(file);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  if (count > archiveBounds(u.limits).entries) throw new Error(`it holds ${count} entries, more than ${archiveBounds(u.limits).entries}`);
  let at = zip.readUInt32LE(eocd + 16);
  if (at === 0xffffffff) throw new Error('a ZIP64 archive: make it a .tar.gz or a plain zip under 4 GiB');
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`a broken central directory at entry ${n + 1}`);
    const [flags, method] = [zip.readUInt16LE(at + 8), zip.readUInt16LE(at + 10)];
    const [compressed, size] = [zip.readUInt32LE(at + 20), zip.readUInt32LE(at + 24)];
    const [nameLen, extraLen, commentLen] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    const unixMode = zip.readUInt32LE(at + 38) >>> 16;
    const modified = zipEntryTime(zip.readUInt16LE(at + 12), zip.readUInt16LE(at + 14), zip.subarray(at + 46 + nameLen, at + 46 + nameLen + extraLen), u.zone);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    at += 46 + nameLen + extraLen + commentLen;
    const path = u.place(name);
    if (!path) continue;
    if (name.endsWith('/')) {
      u.directory(path);
      continue;
    }
    const type = unixMode & 0o170000;
    if (type === 0o120000) {
      // The link's target is its content; read (at most 4 KiB of it) only to say where it pointed.
      const raw = zip.subarray(local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)).subarray(0, compressed);
      let target = '?';
      try {
        target = (method === 8 ? inflateRawSync(raw, {maxOutputLength: 4096}) : raw.subarray(0, 4096)).toString('utf8');
      } catch {
        // an unreadable target is still a link, and still not unpacked
      }
      u.problems.push(linkProblem(path, 'a symlink', target));
      continue;
    }
    if (type !== 0 && type !== 0o100000) {
      u.problems.push(`${path}: a special file, not unpacked`);
      continue;
    }
    if (flags & 1) {
      u.problems.push(`${path}: encrypted, not unpacked`);
      continue;
    }
    if (!u.admit(path, size)) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    const room = size + 1;
    let data: Buffer;
    try {
      data = method === 0 ? raw : method === 8 ? inflateRawSync(raw, {maxOutputLength: room}) : Buffer.alloc(0);
      if (method !== 0 && method !== 8) throw new Error(`compression method ${method} is not supported`);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'unpacks to more than it declares' : (error as Error).message;
      u.problems.push(`${path}: ${why}, left out`);
      continue;
    }
    if (data.length !== size) {
      u.problems.push(`${path}: unpacks to ${data.length} bytes, not the ${size} it declares, left out`);
      continue;
    }
    u.write(path, data, Boolean(unixMode & 0o100), modified);
  }
}

/**
 * Unpacks `file` into the empty folder `dest`; an archive that cannot be read at all is one problem. Each file keeps
 * the entry's time (a zip's zone-less DOS times read in `zone`, else locally).
 */
export async function unpackSubmission(file: string, kind: Exclude<SubmissionKind, 'folder' | 'files'>, dest: string, limits: CopyLimits, zone?: string): Promise<UnpackReport> {
  mkdirSync(dest, {recursive: true, mode: 0o755});
  const u = new Unpacker(dest, limits, zone);
  const name = posix.basename(file);
  try {
    if (statSync(file).size > limits.maxBytes + 1048576 + limits.maxFiles * 1024) throw new Error(`${statSync(file).size} bytes, over the submission's total limit of ${limits.maxBytes / 1024} KiB`);
    if (kind === 'zip') unpackZip(file, u);
    else await unpackTarGz(file, u, limits);
  } catch (error) {
    u.problems.push(`${name}: the archive cannot be read (${(error as Error).message}); what was unpacked before is kept`);
  }
  return {problems: u.problems};
}
