/**
 * A submission (a folder, or an archive unpacked by archives.ts) is copied into a fresh build context without
 * ever following a link: only regular files and folders are copied; a symlink, a hard link to a file elsewhere,
 * a device, a FIFO or a socket is reported and left out; each file's size, the total and the count are bounded,
 * and a file over a limit is named with the limit, so the student sees why their COPY of it failed.
 */
import {closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, readdirSync, readlinkSync, writeFileSync} from 'node:fs';
import {join, relative, sep} from 'node:path';

export interface CopyLimits {
  maxBytes: number;
  maxFiles: number;
  maxFileBytes: number;
}

export interface CopyReport {
  files: number;
  bytes: number;
  /** The files copied, relative, with "/" between folders. */
  paths: string[];
  /** What was left out and why, one line each (relative paths). */
  problems: string[];
}

const size = (bytes: number) => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} bytes`);

/** Why a file of `bytes` cannot join a submission that holds `total` already, or undefined when it fits. */
export function overLimit(bytes: number, total: number, limits: CopyLimits): string | undefined {
  if (bytes > limits.maxFileBytes) return `${size(bytes)}, over the limit of ${limits.maxFileBytes / 1024} KiB per file`;
  if (total + bytes > limits.maxBytes) return `${size(bytes)}, which would bring the submission to ${size(total + bytes)}, over its total limit of ${limits.maxBytes / 1024} KiB`;
  return undefined;
}

function kind(st: ReturnType<typeof lstatSync> & object, path: string): string {
  if (st.isSymbolicLink()) return `a symlink to ${readlinkSync(path)}`;
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads a regular file through a descriptor opened with O_NOFOLLOW, so a swap for a link is not followed either. */
function readRegular(path: string, total: number, limits: CopyLimits): Buffer | string {
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
    const over = overLimit(st.size, total, limits);
    if (over) return over;
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

export function copySubmission(from: string, to: string, limits: CopyLimits): CopyReport {
  const report: CopyReport = {files: 0, bytes: 0, paths: [], problems: []};
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
        report.problems.push(`${rel}: ${kind(st, s)}, not followed and left out`);
        continue;
      }
      if (report.files >= limits.maxFiles) {
        report.problems.push(`${rel}: more than ${limits.maxFiles} files, the rest left out`);
        return;
      }
      const data = readRegular(s, report.bytes, limits);
      if (typeof data === 'string') {
        report.problems.push(`${rel}: ${data}, left out`);
        continue;
      }
      report.files++;
      report.bytes += data.length;
      report.paths.push(rel.split(sep).join('/'));
      // Only the owner's execute bit survives: no setuid, setgid or sticky bits from a submission.
      writeFileSync(join(dst, name), data, {mode: st.mode & 0o100 ? 0o755 : 0o644, flag: 'wx'});
    }
  };
  walk(from, to, 0);
  return report;
}

/** Loose files an LMS put side by side for one student (Canvas), each copied under the name the student gave it. */
export function gatherFiles(files: {path: string; name: string}[], to: string, limits: CopyLimits): CopyReport {
  const report: CopyReport = {files: 0, bytes: 0, paths: [], problems: []};
  mkdirSync(to, {recursive: true, mode: 0o755});
  for (const f of files) {
    // The student's name for it becomes one file in the build context's top folder, never a path.
    if (f.name.includes('/') || f.name === '.' || f.name === '..' || report.paths.includes(f.name)) {
      report.problems.push(`${f.name}: not a file name that can be placed in the build context, left out`);
      continue;
    }
    if (report.files >= limits.maxFiles) {
      report.problems.push(`${f.name}: more than ${limits.maxFiles} files, the rest left out`);
      break;
    }
    const st = lstatSync(f.path);
    if (!st.isFile()) {
      report.problems.push(`${f.name}: ${kind(st, f.path)}, not followed and left out`);
      continue;
    }
    const data = readRegular(f.path, report.bytes, limits);
    if (typeof data === 'string') {
      report.problems.push(`${f.name}: ${data}, left out`);
      continue;
    }
    report.files++;
    report.bytes += data.length;
    report.paths.push(f.name);
    writeFileSync(join(to, f.name), data, {mode: st.mode & 0o100 ? 0o755 : 0o644, flag: 'wx'});
  }
  return report;
}
