/**
 * `lab homework check`: every submission in a folder, `jobs` at a time, on one private engine. Each student gets
 * a fresh build context, their own image and container names, removed as soon as they are graded, and a results
 * file in Gradescope's shape; a student's failure is a failed check, never the end of the run. A student who
 * cannot be checked at all is reported as skipped, which makes the run fail.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {availableParallelism} from 'node:os';
import {join, resolve} from 'node:path';
import {checkBaseImages, loadBaseImages} from './base-images.js';
import {evaluateChecks} from './checks.js';
import {flagSubmission, sharedBinaries, type SubmissionFlags} from './flags.js';
import {fileNameFor, listSubmissions, type StudentEntry} from './listing.js';
import {signResult} from '../gradebook/signing.js';
import {homeworkResults, type HomeworkResults} from './results.js';
import {removeStudent, withSandbox, type Sandbox} from './sandbox.js';
import {checkStudent, type StudentFacts} from './student.js';
import type {CheckOutcome, Homework} from './types.js';

export interface StudentReport {
  student: string;
  /** The folder or archive in the submissions folder. */
  entry: string;
  score: number;
  maxScore: number;
  /** The results file written for this student. */
  file?: string;
  rejected?: string;
  checks: Array<Pick<CheckOutcome, 'id' | 'pass' | 'observed'>>;
  /** What a teacher should look at (links to host files, prebuilt or shared binaries). */
  flags: string[];
  seconds: number;
}

export interface HomeworkRunOptions {
  submissions: string;
  out: string;
  lang: string;
  /** Students checked at once (default: the machine's cores). */
  jobs?: number;
  progress: (student: string, message: string) => void;
}

export interface Graded {
  report: StudentReport;
  results: HomeworkResults;
  submitted: Pick<SubmissionFlags, 'binaries' | 'sourcesHash'>;
}

/** What grading one submission found, wherever it ran: on this machine or on a worker. */
export interface GradedFacts {
  outcomes: CheckOutcome[];
  flagged: SubmissionFlags;
  seconds: number;
}

/** Every check failed with the sandbox's own trouble, not the student's: the run goes on. */
export const sandboxFailed = (hw: Homework, message: string): CheckOutcome[] =>
  hw.checks.map((c) => ({id: c.id, pass: false, observed: `not evaluated: the sandbox failed (${message})`, expected: 'the sandbox checks the submission'}));

export async function gradeFacts(sandbox: Sandbox, hw: Homework, check: () => Promise<StudentFacts>, n: number, say: (m: string) => void): Promise<GradedFacts | undefined> {
  const started = Date.now();
  let outcomes: CheckOutcome[];
  let flagged: SubmissionFlags = {flags: [], binaries: [], sourcesHash: ''};
  try {
    const facts = await check();
    outcomes = evaluateChecks(hw, facts);
    flagged = flagSubmission(facts.copy, facts.context);
  } catch (error) {
    outcomes = sandboxFailed(hw, (error as Error).message);
  } finally {
    if (!sandbox.signal.aborted) await removeStudent(sandbox, hw, n).catch((error: Error) => say(`cleaning up failed: ${error.message}`));
  }
  if (sandbox.signal.aborted) return undefined;
  return {outcomes, flagged, seconds: (Date.now() - started) / 1000};
}

/** The results file of one graded submission, signed with the teacher's key and written to `out`. */
export function recordGraded(hw: Homework, entry: Pick<StudentEntry, 'id' | 'entry'>, {outcomes, flagged, seconds}: GradedFacts, opts: Pick<HomeworkRunOptions, 'out' | 'lang'>, say: (m: string) => void): Graded {
  const results = homeworkResults(hw, entry.id, outcomes, seconds, opts.lang, flagged.flags);
  const file = join(opts.out, `${fileNameFor(entry.id)}-${hw.lab}-results.json`);
  // Signed with the teacher's key: no student file can pass for it, nor change it unseen.
  writeFileSync(file, JSON.stringify(signResult(results, 'sandbox', {kind: 'homework'}), null, 2) + '\n');
  const failed = outcomes.filter((o) => !o.pass).map((o) => o.id);
  say(`${results.score}/${results.extra_data.maxScore}${failed.length ? ` (failed: ${failed.join(', ')})` : ''} in ${seconds.toFixed(1)} s${flagged.flags.length ? `; flagged: ${flagged.flags.join('; ')}` : ''}`);
  const report: StudentReport = {
    student: entry.id, entry: entry.entry, score: results.score, maxScore: results.extra_data.maxScore, file,
    checks: outcomes.map(({id, pass, observed}) => ({id, pass, observed})), flags: [...flagged.flags], seconds,
  };
  return {report, results, submitted: flagged};
}

/** The entries that cannot be checked at all, reported as skipped. */
export function skippedReports(hw: Homework, entries: StudentEntry[], opts: Pick<HomeworkRunOptions, 'progress'>): StudentReport[] {
  const maxScore = hw.checks.reduce((s, c) => s + c.weight, 0);
  return entries.filter((e) => e.rejected).map((e) => {
    opts.progress(e.id, `skipped: ${e.rejected}`);
    return {student: e.id, entry: e.entry, score: 0, maxScore, rejected: e.rejected, checks: [], flags: [], seconds: 0};
  });
}

/** Shared binaries are known only once everyone is checked: their results files are written again with the flag. */
export function finishRun(graded: Graded[], reports: StudentReport[], opts: Pick<HomeworkRunOptions, 'progress'>): StudentReport[] {
  const shared = sharedBinaries(new Map(graded.map((g) => [g.report.student, g.submitted])));
  for (const g of graded) {
    const more = shared.get(g.report.student);
    if (more) {
      g.report.flags.push(...more);
      g.results.extra_data.flags = g.report.flags;
      writeFileSync(g.report.file!, JSON.stringify(signResult(g.results, 'sandbox', {kind: 'homework'}), null, 2) + '\n');
      opts.progress(g.report.student, `flagged: ${more.join('; ')}`);
    }
    reports.push(g.report);
  }
  return reports.sort((a, b) => a.student.localeCompare(b.student));
}

export async function checkHomework(hw: Homework, opts: HomeworkRunOptions): Promise<StudentReport[]> {
  const entries = listSubmissions(resolve(opts.submissions));
  const reports = skippedReports(hw, entries, opts);
  const students = entries.filter((e) => !e.rejected);
  if (students.length === 0) return reports;
  await checkBaseImages(hw);
  mkdirSync(opts.out, {recursive: true});
  const jobs = Math.max(1, Math.min(opts.jobs ?? availableParallelism(), students.length));
  // The whole sandbox gets room for a few times one container's limits per student checked at once.
  const sandboxLimits = {memoryBytes: hw.limits.memoryMb * 4 * jobs * 1048576, pids: hw.limits.pids * 4 * jobs};
  const graded: Graded[] = [];
  await withSandbox(sandboxLimits, (m) => opts.progress('-', m), async (sandbox) => {
    await loadBaseImages(hw, sandbox, (m) => opts.progress('-', m));
    opts.progress('-', `checking ${students.length} submission(s), ${jobs} at a time`);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (!sandbox.signal.aborted && next < students.length) {
        const i = next++;
        const entry = students[i];
        const say = (m: string) => opts.progress(entry.id, m);
        say(`[${i + 1}/${students.length}] ${entry.kind === 'folder' ? 'copying the submission' : `from ${entry.entry}`}`);
        const facts = await gradeFacts(sandbox, hw, () => checkStudent(sandbox, hw, entry, i + 1, say), i + 1, say);
        if (!facts) return;
        graded.push(recordGraded(hw, entry, facts, opts, say));
        opts.progress('-', `${++done}/${students.length} checked`);
      }
    };
    await Promise.all(Array.from({length: jobs}, worker));
  }, hw.images);
  return finishRun(graded, reports, opts);
}
