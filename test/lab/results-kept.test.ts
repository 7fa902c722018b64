/** A check passed earlier and failing now still counts; the results file then shows what it passed on, not today's failure. */
import test from 'ava';
import {loadExercise} from '../../src/lab/exercises/load.js';
import {gradescopeResults} from '../../src/lab/grading/results.js';
import type {StepResult} from '../../src/lab/grading/run-checks.js';

const lab26 = loadExercise('26');

test('a kept pass keeps its own evidence and says what is observed now', (t) => {
  const step = lab26.steps[0];
  const check = step.checks[0];
  const passedOn = {pass: true, observed: 'container 0123456789ab exited 127', expected: 'x', concept: 'y', evidence: {containerId: '0123456789ab'}};
  const now = {pass: false, observed: 'no container was created from image sha256:abc', expected: 'x', concept: 'y', evidence: {searched: 'sha256:abc'}};
  const session = {lang: 'en', student: 's', provider: 'local', progress: {[step.id]: {[check.id]: {passedAt: '2026-01-01T00:00:00.000Z', verdict: passedOn}}}};
  const results: StepResult[] = [{step, checks: [{id: check.id, weight: 1, verdict: now, done: true, passedAt: '2026-01-01T00:00:00.000Z'}], done: true, score: 1, maxScore: 1}];
  const [row] = gradescopeResults(lab26, session, results, 1).tests;
  t.is(row.status, 'passed');
  t.regex(row.output, /^container 0123456789ab exited 127\n\(passed at 2026-01-01T00:00:00.000Z; now: no container was created/);
  t.deepEqual(row.extra_data.evidence, {containerId: '0123456789ab'});
});
