/** A homework definition (exercises/<lab>/homework.json) and what checking one submission produces. */
import type {Localized} from '../exercises/types.js';

export type HomeworkCheckKind = 'submission-safe' | 'builds' | 'no-base' | 'static-entrypoint' | 'runs' | 'image-size';

export interface HomeworkCheck {
  id: string;
  kind: HomeworkCheckKind;
  weight: number;
  title: Localized;
}

export interface HomeworkLimits {
  buildTimeoutSeconds: number;
  runTimeoutSeconds: number;
  memoryMb: number;
  pids: number;
  imageSizeMaxKb: number;
  submissionMaxKb: number;
  submissionMaxFiles: number;
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
  /** Build or run output, truncated. */
  output?: string;
  evidence?: Record<string, unknown>;
}
