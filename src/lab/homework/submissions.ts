/**
 * Submissions: a folder per student, named by the student's id. A submission is copied into a fresh build
 * context without ever following a link: only regular files and folders are copied; a symlink, a hard link to
 * a file elsewhere, a device, a FIFO or a socket is reported and left out; the total size and count are bounded.
 */
import {closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, readdirSync, writeFileSync} from 'node:fs';
import {join, relative} from 'node:path';

/** A student id that is safe as a file name and as part of a results file's name. */
export const safeStudentId = (name: string) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) && !name.includes('..');

export interface StudentEntry {
  id: string;
  dir: string;
  /** Why this entry is not checked (an unsafe name, not a folder). */
  rejected?: string;
}

/** The direct subdirectories of `root`, sorted; other entries and unsafe names come back rejected. */
export function listSubmissions(root: string): StudentEntry[] {
  const st = lstatSync(root, {throwIfNoEntry: false});
  if (!st?.isDirectory()) throw new Error(`${root} is not a folder of submissions`);
  return readdirSync(root).sort().flatMap((name): StudentEntry[] => {
    const dir = join(root, name);
    const entry = lstatSync(dir);
    if (!entry.isDirectory()) {
      return entry.isSymbolicLink() ? [{id: name, dir, rejected: 'a symlink, not a folder: not followed'}] : [];
    }
    if (!safeStudentId(name)) return [{id: name, dir, rejected: 'not a safe student id (letters, digits, ".", "_" and "-" only, at most 64)'}];
    return [{id: name, dir}];
  });
}

export interface CopyReport {
  files: number;
  bytes: number;
  /** What was left out and why, one line each (relative paths). */
  problems: string[];
}

function kind(st: ReturnType<typeof lstatSync> & object): string {
  if (st.isSymbolicLink()) return 'a symlink';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads a regular file through a descriptor opened with O_NOFOLLOW, so a swap for a link is not followed either. */
function readRegular(path: string, maxBytes: number): Buffer | string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return `cannot be opened without following it (${(error as NodeJS.ErrnoException).code})`;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 'not a regular file';
    if (st.nlink > 1) return `a hard link (${st.nlink} names): it may be another file on this machine`;
    if (st.size > maxBytes) return `${st.size} bytes, over the submission's size limit`;
    const data = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, data, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return data.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export function copySubmission(from: string, to: string, limits: {maxBytes: number; maxFiles: number}): CopyReport {
  const report: CopyReport = {files: 0, bytes: 0, problems: []};
  const walk = (src: string, dst: string, depth: number) => {
    if (depth > 16) {
      report.problems.push(`${relative(from, src)}: folders nested too deep, left out`);
      return;
    }
    mkdirSync(dst, {recursive: true, mode: 0o755});
    for (const name of readdirSync(src).sort()) {
      const s = join(src, name);
      const rel = relative(from, s);
      const st = lstatSync(s);
      if (st.isDirectory()) {
        walk(s, join(dst, name), depth + 1);
        continue;
      }
      if (!st.isFile()) {
        report.problems.push(`${rel}: ${kind(st)}, not followed and left out`);
        continue;
      }
      if (report.files >= limits.maxFiles) {
        report.problems.push(`${rel}: more than ${limits.maxFiles} files, the rest left out`);
        return;
      }
      const data = readRegular(s, limits.maxBytes - report.bytes);
      if (typeof data === 'string') {
        report.problems.push(`${rel}: ${data}, left out`);
        continue;
      }
      report.files++;
      report.bytes += data.length;
      // Only the owner's execute bit survives: no setuid, setgid or sticky bits from a submission.
      writeFileSync(join(dst, name), data, {mode: st.mode & 0o100 ? 0o755 : 0o644, flag: 'wx'});
    }
  };
  walk(from, to, 0);
  return report;
}
