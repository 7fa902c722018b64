// Printing a bench's report: as JSON (--json) or as text, a table per engine, every run, the failed ones, and
// the ratios against their goals; the last report of most benches is kept in bench/out/<bench>-last.json.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {outDir} from './paths.mjs';

/** Fixed-width columns; the first row is the header. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c] ?? '').length)));
  const line = (row) => row.map((cell, c) => String(cell ?? '').padEnd(widths[c])).join('   ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.slice(1).map(line)];
}

/** `label: labd 12 13 x | dockerd 30 31 29`: every run of each engine, rounded, x for a failed one. */
export const allRunsLine = (label, names, valuesOf) =>
  `${label}: ${names.map((n) => `${n} ${valuesOf(n).map((v) => (v === null ? 'x' : v.toFixed(0))).join(' ')}`).join(' | ')}`;

/** For each engine with failed runs: how many (`noun` names them, e.g. "run(s)") and why each failed. */
export function failureLines(results, noun) {
  const out = [];
  for (const [n, r] of Object.entries(results)) {
    if (r.failures.length === 0) continue;
    out.push('');
    out.push(`${n}: ${r.failures.length} FAILED ${noun}, left out of the numbers above:`);
    for (const f of r.failures) out.push(`  ${f.what}: ${f.error}`);
  }
  return out;
}

/** `goal <= 0.35: met` */
export const goalText = (op, goal, met) => `goal ${op} ${goal.toFixed(2)}: ${met ? 'met' : 'NOT met'}`;

/** Prints the report: JSON on stdout with --json, else the text `lines()`. */
export function print(report, json, lines) {
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(lines().join('\n') + '\n');
}

/** Writes the report as bench/out/<bench>-last.json, and prints it. */
export function emit(bench, report, json, lines) {
  // bench/out/ is ignored by git, so a fresh clone has none yet.
  mkdirSync(outDir, {recursive: true});
  writeFileSync(join(outDir, `${bench}-last.json`), JSON.stringify(report, null, 2) + '\n');
  print(report, json, lines);
}

/** A bench's last act: count the failed runs of every engine, write and print the report; true when none failed. */
export function finish(bench, report, results, json, lines) {
  report.failedRuns = Object.values(results).reduce((n, r) => n + r.failures.length, 0);
  emit(bench, report, json, lines);
  return report.failedRuns === 0;
}
