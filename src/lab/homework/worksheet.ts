/**
 * Moodle's grading worksheet (Assignment → Submissions → "Download grading worksheet"): a CSV with a row per
 * participant — "Identifier" ("Participant 12345", the number in the download's folder names), "Full name",
 * "Email address", "Last modified (submission)" — whose submission time is the exact hand-in time Moodle recorded.
 * Its dates are Moodle's ("Monday, 7 December 2026, 10:15 PM", in English, in the teacher's Moodle time zone) or
 * ISO 8601. Canvas's submissions as its API lists them (GET .../assignments/:id/submissions, saved as CSV) are read
 * the same way: "user_id" (the Canvas user id its download names carry) and "submitted_at" (ISO 8601). A row that
 * cannot be read is an error naming the file, the line and the column; nothing is guessed.
 */
import {readFileSync} from 'node:fs';
import {CsvError, parseCsv} from '../roster/csv.js';
import {HomeworkError} from './load.js';
import {zonedTime} from './zoned-time.js';

export interface WorksheetRow {
  /** The row's line in the file (the header is line 1). */
  line: number;
  participant?: string;
  /** Canvas's user id. */
  canvasUser?: string;
  name?: string;
  email?: string;
  /** The hand-in time; absent when the participant handed nothing in ("-", "No submission"). */
  submittedAt?: Date;
}

export interface Worksheet {
  file: string;
  /** The column that names the participant, as an error about a row's participant points to it. */
  whoColumn: string;
  rows: WorksheetRow[];
}

const months = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const moodleDate = /^(?:\p{L}+,\s*)?(\d{1,2})\s+(\p{L}+)\s+(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$/u;
const isoLocal = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const isoZoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A worksheet date: Moodle's English wording or ISO 8601; a time without a zone is read in `zone` (else locally). */
export function parseWorksheetDate(text: string, zone?: string): Date | undefined {
  if (isoZoned.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? undefined : new Date(t);
  }
  const iso = isoLocal.exec(text);
  if (iso) {
    const [year, month, day, hour, minute, second] = iso.slice(1).map((x) => Number(x ?? 0));
    return zonedTime({year, month, day, hour, minute, second}, zone);
  }
  const m = moodleDate.exec(text);
  const month = m ? months.indexOf(m[2].toLowerCase()) + 1 : 0;
  if (!m || month === 0) return undefined;
  let hour = Number(m[4]);
  if (m[7]) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (m[7].toLowerCase() === 'pm' ? 12 : 0);
  }
  return zonedTime({year: Number(m[3]), month, day: Number(m[1]), hour, minute: Number(m[5]), second: Number(m[6] ?? 0)}, zone);
}

const norm = (h: string) => h.trim().toLowerCase().replace(/[\s_]+/g, ' ');
/** A column as a spreadsheet names it (A, B, ..., AA), for the teacher who opens the file in one. */
const letter = (i: number): string => (i >= 26 ? letter(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26));
const noTime = new Set(['', '-', 'no submission', 'never']);

export function parseWorksheet(text: string, file: string, zone?: string): Worksheet {
  let rows: string[][];
  try {
    rows = parseCsv(text, file);
  } catch (error) {
    if (error instanceof CsvError) throw new HomeworkError(error.message);
    throw error;
  }
  if (rows.length === 0) throw new HomeworkError(`${file}: empty: expected Moodle's grading worksheet (a header row, then a row per participant)`);
  const headers = rows[0].map(norm);
  const col = (...names: string[]) => headers.findIndex((h) => names.includes(h));
  const [idCol, canvasCol, nameCol, emailCol, timeCol] = [col('identifier'), col('user id'), col('full name', 'name'), col('email address', 'email'), col('last modified (submission)', 'submitted at')];
  if (timeCol < 0 || (idCol < 0 && canvasCol < 0 && nameCol < 0 && emailCol < 0)) {
    throw new HomeworkError(`${file}: line 1: not Moodle's grading worksheet ("Identifier" or "Full name" or "Email address", and "Last modified (submission)") nor Canvas's submissions ("user_id" and "submitted_at"); found ${rows[0].map((h) => JSON.stringify(h)).join(', ')}`);
  }
  const where = (line: number, i: number) => `${file}: line ${line}, column ${letter(i)} ("${rows[0][i].trim()}")`;
  const cell = (row: string[], i: number) => (i >= 0 ? (row[i] ?? '').trim() : '');
  const out: WorksheetRow[] = [];
  const seen = new Map<string, number>();
  // parseCsv leaves blank lines out: the line of a row is found again from the text (a quoted cell may span lines).
  const lines = lineNumbers(text, rows.length);
  for (const [k, row] of rows.slice(1).entries()) {
    const line = lines[k + 1];
    const ident = cell(row, idCol);
    const participantMatch = /^(?:participant\s*)?(\d+)$/i.exec(ident);
    if (idCol >= 0 && ident !== '' && !participantMatch) throw new HomeworkError(`${where(line, idCol)}: "${ident}" is not a Moodle participant (expected e.g. "Participant 12345")`);
    const canvasUser = cell(row, canvasCol);
    if (canvasUser !== '' && !/^\d+$/.test(canvasUser)) throw new HomeworkError(`${where(line, canvasCol)}: "${canvasUser}" is not a Canvas user id (digits)`);
    const r: WorksheetRow = {line, participant: participantMatch?.[1], canvasUser: canvasUser || undefined, name: cell(row, nameCol).normalize('NFC') || undefined, email: cell(row, emailCol) || undefined};
    if (!r.participant && !r.canvasUser && !r.name && !r.email) throw new HomeworkError(`${where(line, [idCol, canvasCol, nameCol, emailCol].find((i) => i >= 0)!)}: the row names no one (no identifier, user id, name or e-mail)`);
    const when = cell(row, timeCol);
    if (!noTime.has(when.toLowerCase())) {
      const at = parseWorksheetDate(when, zone);
      if (!at) throw new HomeworkError(`${where(line, timeCol)}: "${when}" is not a date and time (expected Moodle's "Monday, 7 December 2026, 10:15 PM" in English, or ISO 8601 such as "2026-12-07T22:15:00+01:00")`);
      r.submittedAt = at;
    }
    const key = r.participant ? `participant ${r.participant}` : r.canvasUser ? `Canvas user ${r.canvasUser}` : r.email ? `e-mail ${r.email.toLowerCase()}` : `name ${r.name}`;
    const before = seen.get(key);
    if (before !== undefined) throw new HomeworkError(`${file}: line ${line}: ${key} is on line ${before} already: one row per participant`);
    seen.set(key, line);
    out.push(r);
  }
  const who = [idCol, canvasCol, nameCol, emailCol].find((i) => i >= 0)!;
  return {file, whoColumn: `column ${letter(who)} ("${rows[0][who].trim()}")`, rows: out};
}

/** The starting line of each of the first `count` non-blank CSV records of `text`. */
function lineNumbers(text: string, count: number): number[] {
  const starts: number[] = [];
  let line = 1;
  let quoted = false;
  let start = true;
  let blank = true;
  let current = 1;
  for (let i = 0; i < text.length && starts.length < count; i++) {
    const c = text[i];
    if (start) {
      current = line;
      start = false;
      blank = true;
    }
    if (c === '"') quoted = !quoted;
    if (c === '\n') {
      line++;
      if (!quoted) {
        if (!blank) starts.push(current);
        start = true;
        continue;
      }
    }
    if (!/[\s,;"\uFEFF]/.test(c)) blank = false;
  }
  if (!start && !blank && starts.length < count) starts.push(current);
  return starts;
}

export const loadWorksheet = (file: string, zone?: string): Worksheet => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HomeworkError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseWorksheet(text, file, zone);
};
