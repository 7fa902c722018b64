/**
 * The gradebook as PrairieLearn external-grader results: one file per student and lab, `<student>-<lab>.json`,
 * with gradable, a score from 0 to 1, a message, and the checks as tests (name, points, max_points, output, message).
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Gradebook, LabGrade} from './types.js';
import {GradebookError} from './types.js';

export interface PrairieLearnTest {
  name: string;
  max_points: number;
  points: number;
  output: string;
  message: string;
}

export interface PrairieLearnResult {
  gradable: boolean;
  score: number;
  message: string;
  tests: PrairieLearnTest[];
}

export function prairieLearnResult(lab: string, grade: LabGrade): PrairieLearnResult {
  const score = Math.min(1, Math.max(0, grade.score / grade.maxScore));
  return {
    gradable: true,
    score,
    message: `Lab ${lab}: ${grade.score} of ${grade.maxScore} points, ${grade.provider === 'sandbox' ? 'checked in a sandbox' : 'from a self-submitted results file'} (${grade.submittedAt})`,
    tests: grade.checks.map((c) => ({name: c.name, max_points: c.maxPoints, points: c.points, output: c.output, message: c.passed ? 'passed' : 'failed'})),
  };
}

/** A student id or lab id as a file name part: nothing but letters, digits, . _ @ -, and no leading dot. */
export function fileNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._@-]/g, '_').replace(/^\./, '_');
}

/** File name → result, for every (student, lab); two students whose ids give the same file name are an error. */
export function prairieLearnFiles(gb: Gradebook): Map<string, PrairieLearnResult> {
  const files = new Map<string, PrairieLearnResult>();
  const owner = new Map<string, string>();
  for (const row of gb.students) {
    for (const [lab, grade] of Object.entries(row.labs)) {
      const name = `${fileNamePart(row.student)}-${fileNamePart(lab)}.json`;
      const other = owner.get(name);
      if (other !== undefined) throw new GradebookError(`students ${JSON.stringify(other)} and ${JSON.stringify(row.student)} would both be written to ${name}: rename one`);
      owner.set(name, row.student);
      files.set(name, prairieLearnResult(lab, grade));
    }
  }
  return files;
}

export function writePrairieLearn(dir: string, gb: Gradebook): string[] {
  const files = prairieLearnFiles(gb);
  mkdirSync(dir, {recursive: true});
  for (const [name, result] of files) writeFileSync(join(dir, name), JSON.stringify(result, null, 2) + '\n');
  return [...files.keys()].map((name) => join(dir, name));
}
