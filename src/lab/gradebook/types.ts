/** The gradebook's data: results files as `lab submit` writes them, and the merged table built from them. */

/** One check in a results file (Gradescope's tests[] entry, the fields the gradebook reads). */
export interface ResultsTest {
  name: string;
  score: number;
  max_score: number;
  status?: 'passed' | 'failed';
  output?: string;
}

/** A results file as `lab submit` writes it (Gradescope's results.json with the lab's extra_data). */
export interface ResultsFile {
  score: number;
  tests: ResultsTest[];
  extra_data: {lab: string; student: string; provider: string; submittedAt: string; maxScore: number};
}

/** A results file that passed validation, and where it was read from. */
export interface Submission {
  file: string;
  results: ResultsFile;
}

/**
 * Where a row's scores come from, as its files state it: `lab submit` on the student's side ("self-submitted"), or
 * `lab homework check` run by the teacher ("sandbox"). A file can claim anything, so the label is only as good as
 * the folder the teacher read: keep the sandbox's output apart from what students hand in.
 */
export type Source = 'self-submitted' | 'sandbox';

export const sourceOf = (provider: string): Source => (provider === 'sandbox' ? 'sandbox' : 'self-submitted');

export const trustNote =
  'Scores come from results files the students submitted themselves: a student can edit such a file, so they are only as ' +
  'trustworthy as the way the files were collected. `lab check` on the student\'s environment, or `lab homework check` on ' +
  'submissions, is what reads the real state.';

export interface CheckGrade {
  name: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  output: string;
}

export interface LabGrade {
  score: number;
  maxScore: number;
  submittedAt: string;
  provider: string;
  file: string;
  checks: CheckGrade[];
}

export interface StudentRow {
  student: string;
  source: Source;
  /** By lab id; a lab the student did not submit is absent. */
  labs: Record<string, LabGrade>;
  total: number;
  maxTotal: number;
}

export interface Gradebook {
  source: Source;
  trust: string;
  /** Every lab seen, in order, with the maximum most of its submissions state. */
  labs: {id: string; maxScore: number}[];
  students: StudentRow[];
  warnings: string[];
  /** Files left out with --skip-invalid, and why. */
  skipped: {file: string; error: string}[];
}

export class GradebookError extends Error {
  override name = 'GradebookError';
}
