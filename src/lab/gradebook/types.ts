/** The gradebook's data: results files as `lab submit` and the teacher's side write them, and the merged table. */
import type {ResultSignature, ResultSource} from './signing.js';
import type {Policy} from './course.js';

/** One check in a results file (Gradescope's tests[] entry, the fields the gradebook reads). */
export interface ResultsTest {
  name: string;
  score: number;
  max_score: number;
  status?: 'passed' | 'failed';
  output?: string;
}

/** A results file (Gradescope's results.json with the lab's extra_data), signed when the teacher's side made it. */
export interface ResultsFile {
  score: number;
  tests: ResultsTest[];
  execution_time?: number;
  extra_data: {
    lab: string; student: string; provider: string; maxScore: number; source?: ResultSource; kind?: 'lab' | 'homework';
    /** When it was handed in; absent only when the file says the time is unknown (handIn.source "unknown"). */
    submittedAt?: string;
    /** When the teacher's side checked it (homework): apart from the hand-in time, which deadlines are judged on. */
    checkedAt?: string;
    /** Where submittedAt came from ("lms-worksheet", "lms-download") or "unknown", and a word on it. */
    handIn?: {source: string; detail?: string};
  };
  signature?: ResultSignature;
}

/** A results file that passed validation, and where it was read from. */
export interface Submission {
  file: string;
  results: ResultsFile;
}

/**
 * How far a grade can be trusted: "collected" and "sandbox" carry a valid signature of the teacher's key;
 * "self-submitted" is the student's own file; "unverified" claims collected or sandbox without a valid signature.
 */
export type Trust = ResultSource | 'unverified';

export const trustNote =
  'Grades marked "collected" (lab grades collect) or "sandbox" (lab homework check) carry a signature of the teacher\'s key and ' +
  'cannot be forged; they always win over the student\'s own files. "self-submitted" grades come from files the students made ' +
  'with lab submit and could have edited. "unverified" marks a file that claims to be collected or from the sandbox without a ' +
  'valid signature: never trust it.';

export interface CheckGrade {
  name: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  output: string;
}

export interface LabGrade {
  /** The points that count: the attempt's score less any late penalty. */
  score: number;
  /** The attempt's own score. */
  rawScore: number;
  maxScore: number;
  /** When it was handed in; absent when unknown (then no deadline or late penalty could be applied to it). */
  submittedAt?: string;
  /** When it was checked, where that differs from the hand-in (homework). */
  checkedAt?: string;
  /** Where the hand-in time came from: "lms-worksheet", "lms-download", "unknown"; absent for a lab's own time. */
  handIn?: string;
  provider: string;
  /** What the file says it is. */
  claimed: ResultSource;
  trust: Trust;
  /** Why an "unverified" grade is not trusted. */
  problem?: string;
  daysLate: number;
  penalty: number;
  /** How many attempts there were, and which rule picked this one. */
  attempts: number;
  policy: Policy;
  file: string;
  checks: CheckGrade[];
  executionTime?: number;
  /** The student's first attempt at this assignment, and their first with full marks (if any). */
  firstAttemptAt: string;
  completedAt?: string;
}

export interface StudentRow {
  student: string;
  name?: string;
  /** The weakest trust among the row's grades ("none" for a roster student with no result). */
  source: Trust | 'none';
  flagged: boolean;
  /** By assignment id; an assignment the student did not hand in is absent. */
  labs: Record<string, LabGrade>;
  total: number;
  maxTotal: number;
}

export interface Assignment {
  /** "26" for lab 26, "26-homework" for its homework. */
  id: string;
  lab: string;
  kind: 'lab' | 'homework';
  maxScore: number;
}

export interface Gradebook {
  /** "signed" when every grade is collected or sandbox, else the weakest trust seen. */
  source: 'signed' | 'self-submitted' | 'unverified';
  trust: string;
  labs: Assignment[];
  students: StudentRow[];
  warnings: string[];
  /** Files left out with --skip-invalid, and why. */
  skipped: {file: string; error: string}[];
  /** Per assignment: pass rates, common failures, time to completion (stats.ts). */
  statistics?: import('./stats.js').AssignmentStats[];
}

export class GradebookError extends Error {
  override name = 'GradebookError';
}
