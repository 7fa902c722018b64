/**
 * The gradebook as CSV (RFC 4180): one row per student — student, each lab's score and maximum, the total and the
 * row's source. A cell that a spreadsheet would take for a formula (= + - @, tab, carriage return) gets a leading '.
 */
import type {Gradebook} from './types.js';

const formulaStart = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  let text = String(value);
  if (formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const line = (cells: (string | number)[]) => cells.map(csvCell).join(',');

export function renderCsv(gb: Gradebook): string {
  const header: (string | number)[] = ['student', ...gb.labs.flatMap((l) => [l.id, `${l.id} max`]), 'total', 'source'];
  const rows = gb.students.map((s): (string | number)[] => [
    s.student,
    ...gb.labs.flatMap((l) => (s.labs[l.id] ? [s.labs[l.id].score, s.labs[l.id].maxScore] : ['', '']) as (string | number)[]),
    s.total,
    s.source,
  ]);
  return [header, ...rows].map(line).join('\r\n') + '\r\n';
}
