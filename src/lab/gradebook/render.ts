/** Reading results files into a gradebook and turning it into the chosen format: what `lab grades` does. */
import {renderCsv} from './csv.js';
import {renderHtml} from './html.js';
import {buildGradebook} from './merge.js';
import {readSubmissions} from './read.js';
import type {Gradebook} from './types.js';
import {GradebookError} from './types.js';

export const formats = ['csv', 'html', 'prairielearn', 'json'] as const;
export type Format = (typeof formats)[number];

/**
 * The gradebook of every results file under `paths`. An invalid file stops it (one line per bad file, each naming
 * the file and the JSON path), unless `skipInvalid`: then they are listed in `skipped` and as warnings.
 */
export function loadGradebook(paths: string[], options: {skipInvalid?: boolean} = {}): Gradebook {
  const {submissions, invalid} = readSubmissions(paths);
  if (invalid.length > 0 && !options.skipInvalid) {
    const s = invalid.length === 1 ? '' : 's';
    throw new GradebookError(`${invalid.length} invalid results file${s}:\n${invalid.map((e) => `  ${e.message}`).join('\n')}\n(--skip-invalid leaves ${invalid.length === 1 ? 'it' : 'them'} out and grades the rest)`);
  }
  const gb = buildGradebook(submissions, invalid.map((e) => ({file: e.file, error: e.message})));
  gb.warnings.unshift(...invalid.map((e) => `left out: ${e.message}`));
  if (gb.students.length === 0) throw new GradebookError('no valid results files to grade');
  return gb;
}

/** The gradebook as text in one of the single-file formats (PrairieLearn's is a directory: see prairielearn.ts). */
export function renderText(gb: Gradebook, format: Exclude<Format, 'prairielearn'>): string {
  if (format === 'csv') return renderCsv(gb);
  if (format === 'html') return renderHtml(gb);
  return JSON.stringify(gb, null, 2) + '\n';
}
