/**
 * Grade import files for the LMS, one row per roster student, matched the way each LMS matches:
 *   moodle — "Import grades from CSV": an e-mail, username and ID number column to map the user by, then a grade
 *            column per assignment (chosen at import, or created as new grade items);
 *   canvas — the gradebook CSV: Student, ID, SIS User ID, SIS Login ID, Section, then a column per assignment and
 *            a "Points Possible" row; Canvas matches on ID or the SIS ids.
 * Grades that are "unverified" are left empty (with a warning): a forged file never reaches the LMS.
 */
import type {Roster} from '../roster/types.js';
import {csvText} from './csv.js';
import type {Gradebook} from './types.js';
import {GradebookError} from './types.js';

const title = (l: Gradebook['labs'][number]) => (l.kind === 'homework' ? `Lab ${l.lab} homework` : `Lab ${l.lab}`);
const round = (n: number) => Math.round(n * 100) / 100;

function gradeCells(gb: Gradebook, student: string, warnings: string[]): (string | number)[] {
  const row = gb.students.find((r) => r.student === student);
  return gb.labs.map((l) => {
    const g = row?.labs[l.id];
    if (!g) return '';
    if (g.trust === 'unverified') {
      warnings.push(`${student}, ${l.id}: left empty: ${g.problem}`);
      return '';
    }
    return round(g.score);
  });
}

function offRoster(gb: Gradebook, roster: Roster, warnings: string[]): void {
  const ids = new Set(roster.students.map((s) => s.id));
  for (const row of gb.students) if (!ids.has(row.student)) warnings.push(`${row.student}: not on the roster, so not in the import file`);
}

export function renderMoodle(gb: Gradebook, roster: Roster | undefined, options: {bom?: boolean} = {}): {text: string; warnings: string[]} {
  if (!roster) throw new GradebookError('the Moodle import matches students by e-mail, username or ID number: give the roster with --roster roster.json (lab class import makes it)');
  const warnings: string[] = [];
  offRoster(gb, roster, warnings);
  const header = ['Email address', 'Username', 'ID number', 'Full name', ...gb.labs.map(title)];
  const rows = roster.students.map((s) => [s.email ?? '', s.username ?? '', s.idNumber ?? '', s.name, ...gradeCells(gb, s.id, warnings)]);
  return {text: csvText([header, ...rows], options.bom), warnings};
}

export function renderCanvas(gb: Gradebook, roster: Roster | undefined, options: {bom?: boolean} = {}): {text: string; warnings: string[]} {
  if (!roster) throw new GradebookError('the Canvas import matches students by ID or SIS login: give the roster with --roster roster.json (lab class import makes it)');
  const warnings: string[] = [];
  offRoster(gb, roster, warnings);
  const header = ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', ...gb.labs.map(title)];
  const points = ['Points Possible', '', '', '', '', ...gb.labs.map((l) => l.maxScore)];
  const rows = roster.students.map((s) => [s.name, s.lmsId ?? '', s.idNumber ?? '', s.username ?? s.id, s.section ?? '', ...gradeCells(gb, s.id, warnings)]);
  return {text: csvText([header, points, ...rows], options.bom), warnings};
}
