/** The table printed at the end of a run: one row per student, a mark per check, the score. */
import {Chalk} from 'chalk';
import type {StudentReport} from './run.js';

export function summaryTable(reports: StudentReport[], checkIds: string[], color: boolean): string {
  const c = new Chalk({level: color ? 1 : 0});
  const idWidth = Math.max(7, ...reports.map((r) => [...r.student].length));
  const widths = checkIds.map((id) => Math.max(id.length, 1));
  const head = ['student'.padEnd(idWidth), ...checkIds.map((id, i) => id.padEnd(widths[i])), 'score'].join('  ');
  const rows = reports.map((r) => {
    const name = r.student.padEnd(idWidth);
    if (r.rejected) return `${name}  ${c.red(`SKIPPED: ${r.rejected}`)}`;
    const marks = checkIds.map((id, i) => {
      const pass = r.checks.find((x) => x.id === id)?.pass;
      return (pass ? c.green('✓') : c.red('✗')) + ' '.repeat(widths[i] - 1);
    });
    const score = `${r.score}/${r.maxScore}`;
    return [name, ...marks, r.score === r.maxScore ? c.green(score) : c.bold(score), r.flags.length ? c.yellow(`⚑ ${r.flags.length}`) : ''].join('  ').trimEnd();
  });
  const flagged = reports.filter((r) => r.flags.length);
  const review = flagged.length ? ['', c.yellow(`Flagged for review (${flagged.length}):`), ...flagged.flatMap((r) => r.flags.map((f) => `  ${r.student}: ${f}`))] : [];
  return [c.bold(head), ...rows, ...review].join('\n');
}
