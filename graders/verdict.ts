/** A check's result: pass or fail, what was seen against what was expected, and the idea behind it. */
export interface Verdict {
  pass: boolean;
  observed: string;
  expected: string;
  concept: string;
  /** Facts a teacher can re-grade from later (IDs, inodes, modes). */
  evidence?: Record<string, unknown>;
  /** A security or safety warning shown beside the grade (no credit is taken for it). */
  warning?: string;
}

export const pass = (observed: string, expected: string, concept: string, evidence?: Record<string, unknown>): Verdict => ({pass: true, observed, expected, concept, evidence});
export const fail = (observed: string, expected: string, concept: string, evidence?: Record<string, unknown>): Verdict => ({pass: false, observed, expected, concept, evidence});
