/**
 * `lab check` and `lab submit`: one snapshot of the environment, every check (or one step's) evaluated, the
 * progress recorded in the session here and inside; submit also writes the results file.
 */
import {writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join, resolve} from 'node:path';
import {gradescopeResults} from '../grading/results.js';
import {evaluate, recordProgress, snapshotRequest, type StepResult, takeSnapshot} from '../grading/run-checks.js';
import type {Snapshot} from '../../../graders/snapshot.js';
import type {Exercise} from '../exercises/types.js';
import {collectorCommandIn} from '../providers/package-in-env.js';
import {type LabContext, openLab, saveLab} from './open-lab.js';

/** An error naming the steps there are, for a step the lab does not have. */
export function checkStepExists(exercise: Exercise, step?: string): void {
  if (step && !exercise.steps.some((s) => s.id === step)) {
    throw new Error(`lab ${exercise.id} has no step "${step}" (steps: ${exercise.steps.map((s) => s.id).join(', ')})`);
  }
}

export interface CheckOutcome {
  results: StepResult[];
  engine: Pick<Snapshot['engine'], 'reachable' | 'error'>;
}

/** Checks the lab (or one step), records what passed and closes the environment. */
export async function checkLab(ctx: LabContext, opts: {step?: string} = {}): Promise<CheckOutcome> {
  const {session, exercise, env} = ctx;
  checkStepExists(exercise, opts.step);
  const snapshot = await takeSnapshot(env, snapshotRequest(exercise, session), collectorCommandIn(env));
  const results = evaluate(exercise, session, snapshot, opts.step);
  recordProgress(session, results);
  try {
    await saveLab({session, env});
  } finally {
    await env.close();
  }
  return {results, engine: {reachable: snapshot.engine.reachable, error: snapshot.engine.error}};
}

/** The score and each check's verdict, as `lab check --json` prints them. */
export function checkSummary(exercise: Exercise, results: StepResult[]) {
  return {
    lab: exercise.id,
    score: results.reduce((s, r) => s + r.score, 0),
    maxScore: results.reduce((s, r) => s + r.maxScore, 0),
    steps: results.map((r) => ({id: r.step.id, done: r.done, score: r.score, maxScore: r.maxScore, checks: r.checks.map((c) => ({id: c.id, done: c.done, pass: c.verdict.pass, weight: c.weight, observed: c.verdict.observed, expected: c.verdict.expected, concept: c.verdict.concept, warning: c.verdict.warning, evidence: c.verdict.evidence}))})),
  };
}

export interface SubmitOptions {
  lab?: string;
  /** Where results.json goes (default: the work dir for a lab on this machine, else ~/lab<N>-results.json here). */
  out?: string;
  /** This machine's home (default: the user's). */
  home?: string;
}

/** Checks once more and writes Gradescope's results.json with each check's evidence. */
export async function submitLab(opts: SubmitOptions) {
  const started = Date.now();
  const ctx = await openLab(opts.lab);
  const {results} = await checkLab(ctx);
  const {session, exercise} = ctx;
  const report = gradescopeResults(exercise, session, results, (Date.now() - started) / 1000);
  // A VM's work dir is not on this machine: the results land in the home folder here, one fixed place the lab's
  // text names, wherever the command was typed.
  const path = resolve(opts.out ?? (session.provider === 'local' ? join(session.workdir, 'results.json') : join(opts.home ?? homedir(), `lab${session.lab}-results.json`)));
  writeFileSync(path, JSON.stringify(report, null, 2));
  return {...report, path};
}
