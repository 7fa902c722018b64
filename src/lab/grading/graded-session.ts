/**
 * What grading reads of a student's session and writes back: the values checks are filled with, what existed
 * before the lab, the answers given, and the progress so far. The session itself (lab/session) has all of it.
 */
import type {Verdict} from '../../../graders/verdict.js';

/** A check once passed, with the evidence it saw then. */
export interface PassedCheck {
  passedAt: string;
  verdict: Verdict;
}

/** Step id → check id → the check's first pass. Progress only grows. */
export type Progress = Record<string, Record<string, PassedCheck>>;

export interface GradedSession {
  student: string;
  /** Where the lab ran, as results files record it. */
  provider: string;
  workdir: string;
  lang: string;
  /** Unix seconds; engine events before it are not this session's. */
  startedAt: number;
  images: Record<string, {id: string}>;
  params?: Record<string, string>;
  baseline?: {containers: string[]; images: string[]};
  answers: Record<string, string>;
  progress: Progress;
}
