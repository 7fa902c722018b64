/** Results files made the way `lab submit` makes them: lab 26's real steps and checks, with chosen checks passed. */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {loadExercise} from '../../src/lab/exercises/load.js';
import type {StepResult} from '../../src/lab/grading/run-checks.js';
import {gradescopeResults} from '../../src/lab/grading/results.js';
import type {Session} from '../../src/lab/session/session.js';

const lab26 = loadExercise('26');

/** Lab 26's results for `student`: the checks whose `<step>/<check>` ids are in `passed` pass, the rest fail. */
export function results26(student: string, passed: string[], submittedAt = '2025-03-01T10:00:00.000Z', failOutput = 'nothing was built') {
  const session = {lab: '26', provider: 'local', lang: 'en', student, progress: {}} as unknown as Session;
  const steps: StepResult[] = lab26.steps.map((step) => {
    const checks = step.checks.map((c) => {
      const done = passed.includes(`${step.id}/${c.id}`);
      return {id: c.id, weight: c.weight ?? 1, done, verdict: {pass: done, observed: done ? 'as expected' : failOutput, expected: 'the real thing', concept: 'why it matters'}};
    });
    const maxScore = checks.reduce((s, c) => s + c.weight, 0);
    const score = checks.filter((c) => c.done).reduce((s, c) => s + c.weight, 0);
    return {step, checks, done: checks.every((c) => c.done), score, maxScore};
  });
  const report = gradescopeResults(lab26, session, steps, 1);
  report.extra_data.submittedAt = submittedAt;
  return report;
}

export const allChecks26 = lab26.steps.flatMap((s) => s.checks.map((c) => `${s.id}/${c.id}`));
export const maxScore26 = lab26.steps.flatMap((s) => s.checks).reduce((sum, c) => sum + (c.weight ?? 1), 0);

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lab-grades-'));
}

export function writeJson(path: string, value: unknown): string {
  mkdirSync(dirname(path), {recursive: true});
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}
