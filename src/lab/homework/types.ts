/** A homework definition (exercises/<lab>/homework.json) and what checking one submission produces. */
import type {Localized} from '../exercises/types.js';

export type HomeworkCheckKind = 'submission-safe' | 'builds' | 'no-base' | 'static-entrypoint' | 'runs' | 'image-size' | 'cases' | 'source';

/** What a case's standard output must be: exactly this (trailing newlines aside), contain it, or match the regex. */
export type OutputExpectation = {exact: string} | {contains: string} | {regex: string};

/** One run of the image's program: its arguments and standard input, and what it must print and exit with. */
export interface TestCase {
  name: string;
  args: string[];
  stdin?: string;
  stdout?: OutputExpectation;
  exitCode: number;
}

export interface HomeworkCheck {
  id: string;
  kind: HomeworkCheckKind;
  weight: number;
  title: Localized;
  /** kind "cases": each passed case earns its share of the weight. */
  cases?: TestCase[];
  /** kind "source": files the submission must hold (judged on the submission, so even when the build fails). */
  files?: string[];
  /** kind "source": a regex every one of those files must match. */
  pattern?: string;
}

export interface HomeworkLimits {
  buildTimeoutSeconds: number;
  runTimeoutSeconds: number;
  memoryMb: number;
  pids: number;
  imageSizeMaxKb: number;
  submissionMaxKb: number;
  submissionMaxFiles: number;
  /** The largest single file, reported by name when a file is over it. */
  fileMaxKb: number;
  outputMaxBytes: number;
}

export interface Homework {
  lab: string;
  title: Localized;
  task: Localized;
  limits: HomeworkLimits;
  run: {expectStdout: string; exitCode: number};
  checks: HomeworkCheck[];
  /** Image recipes (busybox, debian) loaded into the sandbox before any build, for `FROM busybox` and the like. */
  images: string[];
  /** The file it was read from. */
  file: string;
}

/** One check's outcome for one student: what was seen, what was expected, and the student's own output. */
export interface CheckOutcome {
  id: string;
  pass: boolean;
  observed: string;
  expected: string;
  /** The share of the check's weight earned, 0..1 (partial credit); without it, 1 when it passes and 0 when not. */
  fraction?: number;
  /** Build or run output, truncated. */
  output?: string;
  evidence?: Record<string, unknown>;
}
