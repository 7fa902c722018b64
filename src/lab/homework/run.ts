/**
 * `lab homework check`: every submission in a folder, one after the other, on one private engine. Each student
 * gets a fresh build context, their own images and containers removed before the next one starts, and a
 * results file in Gradescope's shape; a student's failure is a failed check, never the end of the run.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {checkBaseImages, loadBaseImages} from './base-images.js';
import {evaluateChecks} from './checks.js';
import {homeworkResults} from './results.js';
import {emptyEngine, withSandbox} from './sandbox.js';
import {checkStudent} from './student.js';
import {listSubmissions} from './submissions.js';
import type {CheckOutcome, Homework} from './types.js';

export interface StudentReport {
  student: string;
  score: number;
  maxScore: number;
  /** The results file written for this student. */
  file?: string;
  rejected?: string;
  checks: Array<Pick<CheckOutcome, 'id' | 'pass' | 'observed'>>;
  seconds: number;
}

export interface HomeworkRunOptions {
  submissions: string;
  out: string;
  lang: string;
  progress: (student: string, message: string) => void;
}

export async function checkHomework(hw: Homework, opts: HomeworkRunOptions): Promise<StudentReport[]> {
  const entries = listSubmissions(resolve(opts.submissions));
  const maxScore = hw.checks.reduce((s, c) => s + c.weight, 0);
  const reports: StudentReport[] = entries.filter((e) => e.rejected).map((e) => {
    opts.progress(e.id, `skipped: ${e.rejected}`);
    return {student: e.id, score: 0, maxScore, rejected: e.rejected, checks: [], seconds: 0};
  });
  const students = entries.filter((e) => !e.rejected);
  if (students.length === 0) return reports;
  await checkBaseImages(hw);
  mkdirSync(opts.out, {recursive: true});
  // The whole sandbox gets room for a few times one container's limits: one student at a time runs in it.
  const sandboxLimits = {memoryBytes: hw.limits.memoryMb * 4 * 1048576, pids: hw.limits.pids * 4};
  await withSandbox(sandboxLimits, (m) => opts.progress('-', m), async (sandbox) => {
    const baseImages = await loadBaseImages(hw, sandbox, (m) => opts.progress('-', m));
    for (const [i, entry] of students.entries()) {
      if (sandbox.signal.aborted) break;
      const started = Date.now();
      const say = (m: string) => opts.progress(entry.id, m);
      say(`[${i + 1}/${students.length}] copying the submission`);
      let outcomes: CheckOutcome[];
      try {
        const facts = await checkStudent(sandbox, hw, entry.dir, i + 1, say);
        outcomes = evaluateChecks(hw, facts);
      } catch (error) {
        // The sandbox's own trouble, not the student's: every check says so, and the run goes on.
        const observed = `not checked: the sandbox failed (${(error as Error).message})`;
        outcomes = hw.checks.map((c) => ({id: c.id, pass: false, observed, expected: 'the sandbox checks the submission'}));
      } finally {
        if (!sandbox.signal.aborted) await emptyEngine(sandbox, baseImages).catch((error: Error) => say(`cleaning up failed: ${error.message}`));
      }
      if (sandbox.signal.aborted) break;
      const seconds = (Date.now() - started) / 1000;
      const results = homeworkResults(hw, entry.id, outcomes, seconds, opts.lang);
      const file = join(opts.out, `${entry.id}-${hw.lab}-results.json`);
      writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
      const failed = outcomes.filter((o) => !o.pass).map((o) => o.id);
      say(`${results.score}/${results.extra_data.maxScore}${failed.length ? ` (failed: ${failed.join(', ')})` : ''} in ${seconds.toFixed(1)} s`);
      reports.push({student: entry.id, score: results.score, maxScore, file, checks: outcomes.map(({id, pass, observed}) => ({id, pass, observed})), seconds});
    }
  }, hw.images);
  return reports.sort((a, b) => a.student.localeCompare(b.student));
}
