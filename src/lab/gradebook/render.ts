/** Reading results files into a gradebook and turning it into the chosen format: what `lab grades` does. */
import type {Roster} from '../roster/types.js';
import type {Course} from './course.js';
import {renderCsv} from './csv.js';
import {renderHtml} from './html.js';
import {renderCanvas, renderMoodle} from './lms.js';
import {buildGradebook} from './merge.js';
import {readSubmissions} from './read.js';
import {teacherKey} from './signing.js';
import type {Gradebook} from './types.js';
import {GradebookError} from './types.js';

export const formats = ['csv', 'html', 'prairielearn', 'json', 'moodle', 'canvas'] as const;
export type Format = (typeof formats)[number];

export interface LoadOptions {
  skipInvalid?: boolean;
  /** Every roster student gets a row; results are mapped onto the roster's ids. */
  roster?: Roster;
  /** Policy, deadlines, late penalties, extensions. */
  course?: Course;
}

/**
 * The gradebook of every results file under `paths`. An invalid file stops it (one line per bad file, each naming
 * the file and the JSON path), unless `skipInvalid`: then they are listed in `skipped` and as warnings.
 */
export function loadGradebook(paths: string[], options: LoadOptions = {}): Gradebook {
  const {submissions, invalid} = readSubmissions(paths);
  if (invalid.length > 0 && !options.skipInvalid) {
    const s = invalid.length === 1 ? '' : 's';
    throw new GradebookError(`${invalid.length} invalid results file${s}:\n${invalid.map((e) => `  ${e.message}`).join('\n')}\n(--skip-invalid leaves ${invalid.length === 1 ? 'it' : 'them'} out and grades the rest)`);
  }
  // Reading never makes a key: without one, no claim of a signed grade can be verified.
  const gb = buildGradebook(submissions, invalid.map((e) => ({file: e.file, error: e.message})), {key: teacherKey(false), roster: options.roster, course: options.course});
  gb.warnings.unshift(...invalid.map((e) => `left out: ${e.message}`));
  if (gb.students.length === 0) throw new GradebookError('no valid results files to grade');
  return gb;
}

/** The gradebook as text in one of the single-file formats (PrairieLearn's is a directory: see prairielearn.ts). */
export function renderText(gb: Gradebook, format: Exclude<Format, 'prairielearn'>, options: {bom?: boolean; roster?: Roster} = {}): {text: string; warnings: string[]} {
  if (format === 'csv') return {text: renderCsv(gb, options), warnings: []};
  if (format === 'moodle') return renderMoodle(gb, options.roster, options);
  if (format === 'canvas') return renderCanvas(gb, options.roster, options);
  if (format === 'html') return {text: renderHtml(gb), warnings: []};
  return {text: JSON.stringify(gb, null, 2) + '\n', warnings: []};
}
