/**
 * Who handed in what: the entries of a submissions folder, each a student. A folder, a `.zip` or a `.tar.gz`
 * (`.tgz`) per student, or an LMS "download all" (lms-names.ts): Moodle's folders give the student's full name,
 * Canvas's files side by side are gathered per Canvas user id. With a roster, each entry is mapped to its roster
 * student (Canvas by user id, the others by id, username, e-mail or name), so results carry the roster's id.
 * Ids keep any Unicode as given (NFC); the results file's name is derived from the id safely, never the other way
 * round. An entry that cannot be checked comes back rejected, with the reason.
 */
import {createHash} from 'node:crypto';
import {lstatSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {findStudent} from '../roster/store.js';
import type {Roster} from '../roster/types.js';
import type {HandIn} from './hand-in.js';
import {type CanvasName, moodleFolder, moodleOwner, parseCanvasName} from './lms-names.js';

/** "files": loose files an LMS put side by side for one student (Canvas), gathered into one submission. */
export type SubmissionKind = 'folder' | 'zip' | 'tar.gz' | 'files';

export interface StudentEntry {
  id: string;
  /** The folder or archive as found in the submissions folder. */
  path: string;
  kind: SubmissionKind;
  /** The entry's name in the submissions folder. */
  entry: string;
  /** For "files": each file and the name the student gave it. */
  files?: {path: string; name: string}[];
  /** The LMS marked it as handed in after the due date (Canvas's LATE_). */
  late?: boolean;
  /** Named as an LMS's "download all" names a student's hand-in: its file times are the LMS's. */
  lms?: 'moodle' | 'canvas';
  /** Moodle's participant number (the folder's `_12345_`), as its grading worksheet's "Identifier" gives it. */
  participant?: string;
  /** Canvas's user id (the files' `_12345_`). */
  canvasUser?: string;
  /** When the student handed it in, as far as the LMS tells (hand-in.ts). */
  handIn?: HandIn;
  /** A roster was given and this entry matched no one on it. */
  notOnRoster?: boolean;
  /** Why this entry is not checked (a bad id, a symlink, a second submission for the same id). */
  rejected?: string;
}

const archiveKinds: Array<[RegExp, SubmissionKind]> = [[/\.zip$/i, 'zip'], [/\.(tar\.gz|tgz)$/i, 'tar.gz']];

export function archiveKind(name: string): SubmissionKind | undefined {
  return archiveKinds.find(([re]) => re.test(name))?.[1];
}

/** What a student id may be: 1 to 200 characters, none of them control characters (what a results file accepts). */
export function idProblem(id: string): string | undefined {
  if (id.trim() === '') return 'an empty student id';
  if ([...id].length > 200) return 'a student id longer than 200 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return 'a student id with control characters';
  return undefined;
}

/** The student id an LMS folder or archive name stands for: Moodle's suffix dropped, Unicode normalized (NFC). */
export function studentIdOf(name: string): string {
  const base = name.normalize('NFC').replace(/\.(zip|tar\.gz|tgz)$/i, '');
  return (moodleOwner(base) ?? base).trim();
}

/** A file name for the id's results: the id itself when plain ASCII, else a transliteration plus a short hash. */
export function fileNameFor(id: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id) && !id.includes('..')) return id;
  const plain = id.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/\.{2,}/g, '.').replace(/^[._-]+|[._-]+$/g, '').slice(0, 48);
  return `${plain || 'student'}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}

/** Names an LMS or an OS puts beside the submissions, which are nobody's homework. */
const notStudent = (name: string) => name.startsWith('.') || name === '__MACOSX';

/** One student's Canvas files: an archive alone is unpacked as such; anything else is gathered as loose files. */
function canvasEntry(root: string, files: Array<{entry: string; canvas: CanvasName}>): StudentEntry {
  const [first] = files;
  const entry = `${first.canvas.name}_${first.canvas.late ? 'LATE_' : ''}${first.canvas.userId}_*`;
  const base = {id: first.canvas.name, entry, late: files.some((f) => f.canvas.late), lms: 'canvas' as const, canvasUser: first.canvas.userId};
  const archive = files.length === 1 ? archiveKind(first.canvas.file) : undefined;
  if (archive) return {...base, path: join(root, first.entry), kind: archive};
  return {...base, path: root, kind: 'files', files: files.map((f) => ({path: join(root, f.entry), name: f.canvas.file}))};
}

/** The roster's id for an entry: Canvas by its user id (the roster's lmsId), others by id, username, e-mail or name. */
function onRoster(e: StudentEntry, roster: Roster, canvasUser?: string): StudentEntry {
  const known = canvasUser ? roster.students.find((s) => s.lmsId === canvasUser) : findStudent(roster, e.id);
  return known ? {...e, id: known.id} : {...e, notOnRoster: true};
}

export function listSubmissions(root: string, roster?: Roster): StudentEntry[] {
  const st = lstatSync(root, {throwIfNoEntry: false});
  if (!st?.isDirectory()) throw new Error(`${root} is not a folder of submissions`);
  const canvas = new Map<string, Array<{entry: string; canvas: CanvasName}>>();
  const plain = readdirSync(root).sort().filter((n) => !notStudent(n)).flatMap((name): StudentEntry[] => {
    const path = join(root, name);
    const stat = lstatSync(path);
    const fromCanvas = stat.isFile() ? parseCanvasName(name) : undefined;
    if (fromCanvas) {
      canvas.set(fromCanvas.userId, [...(canvas.get(fromCanvas.userId) ?? []), {entry: name, canvas: fromCanvas}]);
      return [];
    }
    const id = studentIdOf(name);
    if (stat.isSymbolicLink()) return [{id, path, kind: 'folder', entry: name, rejected: 'a symlink, not a folder: not followed'}];
    const kind = stat.isDirectory() ? 'folder' : stat.isFile() ? archiveKind(name) : undefined;
    if (!kind) return [];
    const moodle = moodleFolder(name.replace(/\.(zip|tar\.gz|tgz)$/i, ''));
    const e: StudentEntry = {id, path, kind, entry: name, ...(moodle ? {lms: 'moodle' as const, participant: moodle.participant} : {})};
    return [roster ? onRoster(e, roster) : e];
  });
  const gathered = [...canvas].map(([user, files]) => (roster ? onRoster(canvasEntry(root, files), roster, user) : canvasEntry(root, files)));
  const entries = [...plain, ...gathered].map((e) => {
    const problem = idProblem(e.id);
    return problem && !e.rejected ? {...e, rejected: problem} : e;
  });
  // Two entries for one student (a folder and an archive, two LMS folders with one name): which counts is the teacher's call.
  const byId = new Map<string, StudentEntry[]>();
  for (const e of entries) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
  for (const same of byId.values()) {
    if (same.length < 2) continue;
    for (const e of same) e.rejected ??= `${same.length} submissions for the student id "${e.id}" (${same.map((x) => x.entry).join(', ')}): none is graded`;
  }
  return entries;
}
