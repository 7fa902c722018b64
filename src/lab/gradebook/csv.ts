/**
 * The gradebook as CSV (RFC 4180): one row per student — student, name, each assignment's score, maximum and
 * trust (a homework's also when it was handed in, "unknown" when no LMS record tells, and when it was checked),
 * the total, the row's trust and what is wrong with it. A cell that a spreadsheet would take for a formula
 * (= + - @, tab, carriage return) gets a leading '. `bom` starts the file with a byte order mark, which Excel needs
 * to read UTF-8 (without it "dvořák" shows as "dvoĹ™Ăˇk").
 */
import type {Assignment, Gradebook, LabGrade} from './types.js';

const formulaStart = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  let text = String(value);
  if (formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: (string | number)[]) => cells.map(csvCell).join(',');

export const csvText = (rows: (string | number)[][], bom = false) => (bom ? '\uFEFF' : '') + rows.map(csvLine).join('\r\n') + '\r\n';

const times = (l: Assignment, g: LabGrade | undefined): string[] => (l.kind !== 'homework' ? [] : g ? [g.submittedAt ?? 'unknown', g.checkedAt ?? ''] : ['', '']);

export function renderCsv(gb: Gradebook, options: {bom?: boolean} = {}): string {
  const header: (string | number)[] = ['student', 'name', ...gb.labs.flatMap((l) => [l.id, `${l.id} max`, `${l.id} source`, ...(l.kind === 'homework' ? [`${l.id} handed in`, `${l.id} checked`] : [])]), 'total', 'source', 'flags'];
  const rows = gb.students.map((s): (string | number)[] => [
    s.student,
    s.name ?? '',
    ...gb.labs.flatMap((l) => [...((s.labs[l.id] ? [s.labs[l.id].score, s.labs[l.id].maxScore, s.labs[l.id].trust] : ['', l.maxScore, 'none']) as (string | number)[]), ...times(l, s.labs[l.id])]),
    s.total,
    s.source,
    Object.entries(s.labs).filter(([, g]) => g.problem).map(([id, g]) => `UNVERIFIED ${id}: ${g.problem}`).join('; '),
  ]);
  return csvText([header, ...rows], options.bom);
}
