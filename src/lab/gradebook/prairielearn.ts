/**
 * The gradebook as PrairieLearn external-grader results: one file per student and assignment, named
 * `<slug of the id>-<assignment>.json` (the slug ends in a hash of the id: no two students share a file), each
 * carrying the student's id exactly as given, with gradable, a score from 0 to 1, a message and the checks as tests.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Gradebook, LabGrade} from './types.js';
import {fileSlug} from '../roster/slug.js';

export interface PrairieLearnTest {
  name: string;
  max_points: number;
  points: number;
  output: string;
  message: string;
}

export interface PrairieLearnResult {
  student: string;
  assignment: string;
  source: string;
  gradable: boolean;
  score: number;
  message: string;
  tests: PrairieLearnTest[];
}

const sourceWords = {collected: 'collected from the lab environment by the teacher', sandbox: 'checked in the homework sandbox', 'self-submitted': 'from a self-submitted results file', unverified: 'UNVERIFIED: claims a signed source without a valid signature'};

export function prairieLearnResult(student: string, lab: string, grade: LabGrade): PrairieLearnResult {
  const score = Math.min(1, Math.max(0, grade.score / grade.maxScore));
  return {
    student,
    assignment: lab,
    source: grade.trust,
    gradable: true,
    score,
    message: `${lab}: ${grade.score} of ${grade.maxScore} points${grade.penalty ? ` (${grade.rawScore} less ${grade.penalty} for ${grade.daysLate} day(s) late)` : ''}, ${sourceWords[grade.trust]} (${grade.submittedAt ? `handed in ${grade.submittedAt}` : 'hand-in time unknown'}${grade.checkedAt ? `, checked ${grade.checkedAt}` : ''})`,
    tests: grade.checks.map((c) => ({name: c.name, max_points: c.maxPoints, points: c.points, output: c.output, message: c.passed ? 'passed' : 'failed'})),
  };
}

/** File name → result, for every (student, assignment). */
export function prairieLearnFiles(gb: Gradebook): Map<string, PrairieLearnResult> {
  const files = new Map<string, PrairieLearnResult>();
  for (const row of gb.students) {
    for (const [lab, grade] of Object.entries(row.labs)) files.set(`${fileSlug(row.student)}-${lab}.json`, prairieLearnResult(row.student, lab, grade));
  }
  return files;
}

export function writePrairieLearn(dir: string, gb: Gradebook): string[] {
  const files = prairieLearnFiles(gb);
  mkdirSync(dir, {recursive: true});
  for (const [name, result] of files) writeFileSync(join(dir, name), JSON.stringify(result, null, 2) + '\n');
  return [...files.keys()].map((name) => join(dir, name));
}
