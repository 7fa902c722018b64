/**
 * The class list from an LMS export: Moodle's participants download (or its user export), Canvas's gradebook
 * export, or a plain CSV with an `id` column. The format is told by the header row; every student keeps the id
 * and name exactly as the file gives them.
 */
import {readFileSync} from 'node:fs';
import {parsePublicKeyLine} from '../../vm/ssh/keys.js';
import {CsvError, parseCsv} from './csv.js';
import {type Roster, RosterError, type RosterStudent} from './types.js';

const norm = (h: string) => h.trim().toLowerCase().replace(/[\s_]+/g, ' ');

/** The column of the first header name found, or -1. */
function column(headers: string[], ...names: string[]): number {
  for (const name of names) {
    const i = headers.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

function detect(headers: string[]): Roster['format'] | undefined {
  if (headers.includes('student') && headers.includes('id') && (headers.includes('sis login id') || headers.includes('sis user id'))) return 'canvas';
  if ((headers.includes('first name') || headers.includes('firstname')) && (headers.includes('email address') || headers.includes('email') || headers.includes('username'))) return 'moodle';
  if (headers.includes('id') || headers.includes('student id') || headers.includes('student')) return 'plain';
  return undefined;
}

export function parseRoster(text: string, file: string): Roster {
  let rows: string[][];
  try {
    rows = parseCsv(text, file);
  } catch (error) {
    if (error instanceof CsvError) throw new RosterError(error.message);
    throw error;
  }
  if (rows.length === 0) throw new RosterError(`${file}: empty: expected a header row and a row per student`);
  const headers = rows[0].map(norm);
  const format = detect(headers);
  if (!format) throw new RosterError(`${file}: line 1: not a Moodle participants export (First name, Last name, Email address), a Canvas export (Student, ID, SIS Login ID) or a CSV with an "id" column; found ${rows[0].map((h) => JSON.stringify(h)).join(', ')}`);
  const at = (row: string[], ...names: string[]) => {
    const i = column(headers, ...names);
    const value = i >= 0 ? (row[i] ?? '').trim() : '';
    return value === '' ? undefined : value;
  };
  const students: RosterStudent[] = [];
  const lineOf = new Map<string, number>();
  for (const [index, row] of rows.slice(1).entries()) {
    const line = index + 2;
    let student: RosterStudent | undefined;
    if (format === 'canvas') {
      const name = at(row, 'student') ?? '';
      // Canvas puts the points possible (and sometimes a muted/read-only note) in rows of their own, and a test student.
      if (/^points possible$/i.test(name) || (!at(row, 'id') && !at(row, 'sis login id'))) continue;
      const id = at(row, 'sis login id') ?? at(row, 'sis user id') ?? at(row, 'id');
      student = id ? {id, name, lmsId: at(row, 'id'), username: at(row, 'sis login id'), idNumber: at(row, 'sis user id'), section: at(row, 'section'), email: at(row, 'email')} : undefined;
    } else if (format === 'moodle') {
      const name = [at(row, 'first name', 'firstname'), at(row, 'last name', 'lastname', 'surname')].filter(Boolean).join(' ');
      const email = at(row, 'email address', 'email');
      const username = at(row, 'username');
      const idNumber = at(row, 'id number', 'idnumber');
      const id = username ?? idNumber ?? email;
      student = id ? {id, name, email, username, idNumber, section: at(row, 'groups', 'group')} : undefined;
    } else {
      const id = at(row, 'id', 'student id', 'student');
      student = id ? {id, name: at(row, 'name') ?? id, email: at(row, 'email', 'email address'), username: at(row, 'username'), host: at(row, 'host'), dir: at(row, 'dir'), vm: at(row, 'vm'), sshKey: at(row, 'ssh key', 'public key', 'key')} : undefined;
    }
    if (!student) throw new RosterError(`${file}: line ${line}: no student id (expected ${format === 'canvas' ? 'SIS Login ID, SIS User ID or ID' : format === 'moodle' ? 'Username, ID number or Email address' : 'an id'})`);
    if (/[\u0000-\u001f\u007f]/.test(student.id)) throw new RosterError(`${file}: line ${line}: the id ${JSON.stringify(student.id)} has a control character`);
    if (student.vm !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(student.vm)) throw new RosterError(`${file}: line ${line}: the vm ${JSON.stringify(student.vm)} is not a VM name (letters, digits, ".", "_", "-")`);
    if (student.sshKey !== undefined) {
      try {
        parsePublicKeyLine(student.sshKey);
      } catch (error) {
        throw new RosterError(`${file}: line ${line}: ssh key: ${(error as Error).message}`);
      }
    }
    const earlier = lineOf.get(student.id);
    if (earlier !== undefined) throw new RosterError(`${file}: line ${line}: the id ${JSON.stringify(student.id)} is already on line ${earlier}`);
    lineOf.set(student.id, line);
    // Keep only what is there: the roster file stays small and readable.
    students.push(Object.fromEntries(Object.entries(student).filter(([, v]) => v !== undefined)) as unknown as RosterStudent);
  }
  if (students.length === 0) throw new RosterError(`${file}: no students (only a header row)`);
  return {format, importedFrom: file, students};
}

export const importRoster = (file: string): Roster => parseRoster(readFileSync(file, 'utf8'), file);
