/**
 * A submission as it travels to a worker, inside its BullMQ job: the homework definition's text, the student, and
 * the files this machine copied from the submission (within the homework's limits, links never followed), each
 * with its path, execute bit and bytes, and one digest over them all. A worker checks everything again before it
 * writes a byte — paths that stay inside the build context, counts and sizes within the definition's limits, the
 * digest — because Redis is a door other machines share.
 */
import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import type {StudentEntry} from './listing.js';
import {idProblem} from './listing.js';
import {parseHomework} from './load.js';
import {copyEntry} from './student.js';
import type {CopyReport} from './submissions.js';
import type {Homework} from './types.js';

export const homeworkJobKind = 'homework';

/** However large a homework allows submissions to be, no job is larger (Redis keeps each one whole). */
export const maxJobBytes = 64 * 1048576;

export interface SubmittedFile {
  path: string;
  executable: boolean;
  /** The bytes, base64. */
  data: string;
}

export interface HomeworkJobData {
  version: 1;
  definition: {file: string; text: string};
  student: string;
  entry: string;
  /** sha256 over every file's path, execute bit and bytes, in order. */
  digest: string;
  files: SubmittedFile[];
  /** What was left out when copying, and why (links, sizes): the flags and the submission-safe check read them. */
  problems: string[];
}

export function submissionDigest(files: Array<{path: string; executable: boolean; bytes: Buffer}>): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.path}\0${f.executable ? 1 : 0}\0${f.bytes.length}\0`).update(f.bytes);
  return h.digest('hex');
}

/** The job's id: the same definition, student and content give the same job, so it is never graded twice. */
export function homeworkJobId(data: Pick<HomeworkJobData, 'definition' | 'student' | 'digest'>): string {
  return `hw-${createHash('sha256').update(`${data.definition.text}\0${data.student}\0${data.digest}`).digest('hex').slice(0, 40)}`;
}

/** This machine's side: the submission unpacked and copied as a one-machine run does, then read into the job. */
export async function packSubmission(hw: Homework, definitionText: string, entry: StudentEntry, progress: (m: string) => void): Promise<HomeworkJobData> {
  const tmp = mkdtempSync(join(tmpdir(), 'lab-homework-pack-'));
  try {
    const context = join(tmp, 'context');
    const copy = await copyEntry(hw, entry, context, () => join(tmp, 'unpacked'), progress);
    const files = copy.paths.map((path) => {
      const full = join(context, path);
      return {path, executable: (statSync(full).mode & 0o100) !== 0, bytes: readFileSync(full)};
    });
    const size = files.reduce((s, f) => s + f.bytes.length, 0);
    if (size > maxJobBytes) throw new Error(`${entry.entry}: ${size} bytes, more than a job may carry (${maxJobBytes})`);
    return {
      version: 1, definition: {file: hw.file, text: definitionText}, student: entry.id, entry: entry.entry,
      digest: submissionDigest(files), files: files.map((f) => ({path: f.path, executable: f.executable, data: f.bytes.toString('base64')})),
      problems: copy.problems,
    };
  } finally {
    rmSync(tmp, {recursive: true, force: true});
  }
}

class JobDataError extends Error {
  override name = 'JobDataError';
}

const fail = (where: string, what: string): never => {
  throw new JobDataError(`job data: at ${where}: ${what}`);
};

function safePath(path: unknown, where: string): string {
  if (typeof path !== 'string' || path.length === 0 || path.length > 1024) return fail(where, 'a relative path of 1 to 1024 characters expected');
  const parts = path.split('/');
  // eslint-disable-next-line no-control-regex
  if (path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || /[\u0000]/.test(p))) return fail(where, `"${path}" is not a plain relative path inside the submission`);
  return path;
}

function strictBase64(text: unknown, where: string): Buffer {
  if (typeof text !== 'string') return fail(where, 'base64 text expected');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return fail(where, 'not canonical base64');
  return bytes;
}

export interface CheckedJob {
  hw: Homework;
  student: string;
  entry: string;
  digest: string;
  files: Array<{path: string; executable: boolean; bytes: Buffer}>;
  problems: string[];
}

/** A worker's side: the job checked in full before anything is written. */
export function checkHomeworkJob(raw: unknown): CheckedJob {
  const d = raw as Partial<HomeworkJobData>;
  if (typeof d !== 'object' || d === null || d.version !== 1) fail('/version', 'a homework job of version 1 expected');
  if (typeof d.definition?.text !== 'string' || typeof d.definition.file !== 'string' || d.definition.text.length > 1048576) fail('/definition', 'the homework definition\'s file name and text expected');
  const hw = parseHomework(d.definition!.file, d.definition!.text);
  if (typeof d.student !== 'string' || idProblem(d.student)) fail('/student', `a student id expected (${typeof d.student === 'string' ? idProblem(d.student) : 'none'})`);
  if (typeof d.entry !== 'string' || d.entry.length > 1024) fail('/entry', 'the submission\'s name expected');
  if (!Array.isArray(d.problems) || d.problems.length > 10000 || d.problems.some((p) => typeof p !== 'string' || p.length > 4096)) fail('/problems', 'at most 10000 lines of at most 4096 characters expected');
  if (!Array.isArray(d.files) || d.files.length > hw.limits.submissionMaxFiles) fail('/files', `at most ${hw.limits.submissionMaxFiles} files expected (the homework's submissionMaxFiles)`);
  const seen = new Set<string>();
  let total = 0;
  const files = d.files!.map((f, i) => {
    const path = safePath(f?.path, `/files/${i}/path`);
    if (seen.has(path)) fail(`/files/${i}/path`, `"${path}" twice`);
    seen.add(path);
    if (typeof f.executable !== 'boolean') fail(`/files/${i}/executable`, 'true or false expected');
    const bytes = strictBase64(f.data, `/files/${i}/data`);
    if (bytes.length > hw.limits.fileMaxKb * 1024) fail(`/files/${i}/data`, `${bytes.length} bytes, over the homework's fileMaxKb`);
    total += bytes.length;
    if (total > hw.limits.submissionMaxKb * 1024) fail(`/files/${i}/data`, 'the submission is over the homework\'s submissionMaxKb');
    return {path, executable: f.executable, bytes};
  });
  if (typeof d.digest !== 'string' || submissionDigest(files) !== d.digest) fail('/digest', 'the files do not match the digest they were sent with');
  return {hw, student: d.student!, entry: d.entry!, digest: d.digest!, files, problems: d.problems!};
}

/** Its files written into `context` (an empty folder to be), and the copy report the checks read. */
export function writeHomeworkJob({files, problems}: CheckedJob, context: string): CopyReport {
  mkdirSync(context, {recursive: true, mode: 0o755});
  for (const f of files) {
    mkdirSync(dirname(join(context, f.path)), {recursive: true, mode: 0o755});
    // 'wx': the context is new and each path comes once, so nothing is ever written through something already there.
    writeFileSync(join(context, f.path), f.bytes, {mode: f.executable ? 0o755 : 0o644, flag: 'wx'});
  }
  return {files: files.length, bytes: files.reduce((s, f) => s + f.bytes.length, 0), paths: files.map((f) => f.path), problems};
}
