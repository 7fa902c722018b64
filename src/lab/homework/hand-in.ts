/**
 * When each student handed their homework in, as the LMS recorded it — never when it was checked:
 *   1. Moodle's grading worksheet (--worksheet), exact: the row's "Last modified (submission)" (or Canvas's
 *      submissions list: "submitted_at", matched by Canvas user id);
 *   2. else, for an entry named as an LMS download names it (Moodle's folders, Canvas's files), the download's own
 *      times: the zip entries' times when the download is given as its zip, the files' times when it was unpacked
 *      (unzip keeps them); a folder's is its newest file's;
 *   3. else it is unknown, and the result says so (no deadline can be applied to it: see gradebook/course.ts).
 * A worksheet that does not fit the submissions (a row on no roster, two rows for one submission) is an error
 * naming the file and line, found before anything is checked.
 */
import {lstatSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {findStudent} from '../roster/store.js';
import type {Roster} from '../roster/types.js';
import type {StudentEntry} from './listing.js';
import {HomeworkError} from './load.js';
import type {Worksheet, WorksheetRow} from './worksheet.js';

export type HandInSource = 'lms-worksheet' | 'lms-download' | 'unknown';

export interface HandIn {
  /** ISO 8601; absent when no LMS record tells it. */
  submittedAt?: string;
  source: HandInSource;
  /** Where the time came from, or why it is not known, for people. */
  detail: string;
}

/** The newest modification time among an entry's files (links not followed); undefined when it holds none. */
export function downloadTime(entry: Pick<StudentEntry, 'path' | 'kind' | 'files'>): Date | undefined {
  let newest = 0;
  let seen = 0;
  const note = (path: string) => {
    const st = lstatSync(path, {throwIfNoEntry: false});
    if (st?.isFile()) newest = Math.max(newest, st.mtimeMs);
    return st;
  };
  const walk = (dir: string, depth: number) => {
    for (const name of readdirSync(dir)) {
      // Bounded as copying is: a folder deeper or larger than any submission may be is not walked through.
      if (++seen > 10_000 || depth > 16) return;
      const st = note(join(dir, name));
      if (st?.isDirectory()) walk(join(dir, name), depth + 1);
    }
  };
  if (entry.kind === 'files') for (const f of entry.files ?? []) note(f.path);
  else if (entry.kind === 'folder') walk(entry.path, 0);
  else note(entry.path);
  return newest > 0 ? new Date(Math.floor(newest / 1000) * 1000) : undefined;
}

const same = (a: string | undefined, b: string) => a !== undefined && a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();

/** The submission a worksheet row stands for: by Moodle participant number or Canvas user id, then through the roster, then by name or e-mail. */
function entryOf(row: WorksheetRow, entries: StudentEntry[], roster?: Roster): {entry?: StudentEntry; onRoster: boolean} {
  const byNumber = row.participant ? entries.find((e) => e.participant === row.participant) : row.canvasUser ? entries.find((e) => e.canvasUser === row.canvasUser) : undefined;
  if (byNumber) return {entry: byNumber, onRoster: true};
  const byLmsId = row.canvasUser && roster ? roster.students.find((s) => s.lmsId === row.canvasUser) : undefined;
  if (byLmsId) return {entry: entries.find((e) => e.id === byLmsId.id), onRoster: true};
  const student = roster ? [row.email, row.name].flatMap((x) => (x ? [findStudent(roster, x)] : [])).find(Boolean) : undefined;
  if (student) return {entry: entries.find((e) => e.id === student.id), onRoster: true};
  return {entry: entries.find((e) => same(row.email, e.id) || same(row.name, e.id)), onRoster: false};
}

const rowName = (r: WorksheetRow) => [r.participant ? `Participant ${r.participant}` : '', r.canvasUser ? `Canvas user ${r.canvasUser}` : '', r.name ?? '', r.email ?? ''].filter(Boolean).join(', ');

/** Each entry with its hand-in time; throws a HomeworkError when the worksheet does not fit the submissions. */
export function assignHandIn(entries: StudentEntry[], opts: {worksheet?: Worksheet; roster?: Roster; warn?: (m: string) => void} = {}): StudentEntry[] {
  const rowFor = new Map<StudentEntry, WorksheetRow>();
  const ws = opts.worksheet;
  for (const row of ws?.rows ?? []) {
    const {entry, onRoster} = entryOf(row, entries, opts.roster);
    if (!entry) {
      if (row.submittedAt && opts.roster && !onRoster) throw new HomeworkError(`${ws!.file}: line ${row.line}, ${ws!.whoColumn}: ${rowName(row)} is not on the roster ${opts.roster.importedFrom} and has no submission: a worksheet of another course or assignment?`);
      if (row.submittedAt) opts.warn?.(`${ws!.file}: line ${row.line}: ${rowName(row)} handed in at ${row.submittedAt.toISOString()}, but nothing of theirs is in the submissions`);
      continue;
    }
    const before = rowFor.get(entry);
    if (before) throw new HomeworkError(`${ws!.file}: line ${row.line}, ${ws!.whoColumn}: ${rowName(row)} is the submission ${entry.entry} that line ${before.line} (${rowName(before)}) is already: one row per participant`);
    rowFor.set(entry, row);
  }
  return entries.map((e) => {
    const row = rowFor.get(e);
    if (row?.submittedAt) return {...e, handIn: {submittedAt: row.submittedAt.toISOString(), source: 'lms-worksheet', detail: `${ws!.file}, line ${row.line}`}};
    const when = e.lms && !e.rejected ? downloadTime(e) : undefined;
    const noRow = ws && !row ? `; not in ${ws.file}` : row ? `; ${ws!.file} line ${row.line} gives no time` : '';
    if (when) return {...e, handIn: {submittedAt: when.toISOString(), source: 'lms-download', detail: `the time of its files in the ${e.lms === 'moodle' ? 'Moodle' : 'Canvas'} download${noRow}`}};
    const why = e.lms ? 'the LMS download holds no file time for it' : 'not named as an LMS download names a hand-in';
    return {...e, handIn: {source: 'unknown', detail: `${why}${noRow}`}};
  });
}
