/**
 * `lab homework check`: every submission in a folder, `jobs` at a time, on one private engine. Each student gets
 * a fresh build context, their own image and container names, removed once they are graded, and a results
 * file in Gradescope's shape; a student's failure is a failed check, never the end of the run. A student who
 * cannot be checked at all is reported as skipped, which makes the run fail. Results are signed and added to the
 * append-only results store (gradebook/store.ts) as lab results are: a second run adds an attempt beside the
 * first, and the gradebook's policy picks the one that counts. They are stored once every student is checked,
 * since a binary shared by several students is known only then and is part of what is signed. The pieces are
 * shared with a run through workers (queued-run.ts), which grades elsewhere and records here.
 */
import {mkdirSync} from 'node:fs';
import {availableParallelism} from 'node:os';
import {checkBaseImages, loadBaseImages} from './base-images.js';
import {evaluateChecks} from './checks.js';
import {flagSubmission, sharedBinaries, type SubmissionFlags} from './flags.js';
import {listHandIns} from './download.js';
import type {StudentEntry} from './listing.js';
import {signResult} from '../gradebook/signing.js';
import {storeAttempt} from '../gradebook/store.js';
import type {Roster} from '../roster/types.js';
import type {Worksheet} from './worksheet.js';
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
  /** The results file stored for this attempt. */
  file?: string;
  rejected?: string;
  checks: Array<Pick<CheckOutcome, 'id' | 'pass' | 'observed'>>;
  /** When it was handed in (absent: unknown), and where that time came from. */
  submittedAt?: string;
  handIn?: string;
  /** What a teacher should look at (links to host files, prebuilt or shared binaries). */
  flags: string[];
  seconds: number;
}

export interface HomeworkRunOptions {
  submissions: string;
  /** The results store each attempt is added to. */
  out: string;
  /** The class list: entries are mapped to its students (Canvas by user id), and one not on it is flagged. */
  roster?: Roster;
  /** Moodle's grading worksheet: each student's exact hand-in time. */
  worksheet?: Worksheet;
  /** The zone of the LMS's zone-less times (a download zip's); default this machine's. */
  timezone?: string;
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

/** Checks one submission; undefined when the run was stopped meanwhile. Removing the student's image is the caller's. */
export async function gradeFacts(sandbox: Sandbox, hw: Homework, check: () => Promise<StudentFacts>): Promise<GradedFacts | undefined> {
  const started = Date.now();
  let outcomes: CheckOutcome[];
  let flagged: SubmissionFlags = {flags: [], binaries: [], sourcesHash: ''};
  try {
    const facts = await check();
    outcomes = evaluateChecks(hw, facts);
    flagged = flagSubmission(facts.copy, facts.context);
  } catch (error) {
    outcomes = sandboxFailed(hw, (error as Error).message);
  }
  if (sandbox.signal.aborted) return undefined;
  return {outcomes, flagged, seconds: (Date.now() - started) / 1000};
}

/** One graded submission's results and report, with what the listing knows about it (LMS lateness, the roster). */
export function recordGraded(hw: Homework, entry: Pick<StudentEntry, 'id' | 'entry' | 'late' | 'notOnRoster' | 'handIn'>, {outcomes, flagged, seconds}: GradedFacts, opts: Pick<HomeworkRunOptions, 'lang'>, say: (m: string) => void): Graded {
  const listed = [...(entry.late ? ['handed in late (the LMS marked it LATE)'] : []), ...(entry.notOnRoster ? ['not on the roster'] : [])];
  const flags = [...listed, ...flagged.flags];
  const results = homeworkResults(hw, entry.id, outcomes, seconds, opts.lang, flags, entry.handIn);
  const failed = outcomes.filter((o) => !o.pass).map((o) => o.id);
  say(`${results.score}/${results.extra_data.maxScore}${failed.length ? ` (failed: ${failed.join(', ')})` : ''} in ${seconds.toFixed(1)} s${flags.length ? `; flagged: ${flags.join('; ')}` : ''}`);
  const report: StudentReport = {
    student: entry.id, entry: entry.entry, score: results.score, maxScore: results.extra_data.maxScore,
    ...(entry.handIn?.submittedAt ? {submittedAt: entry.handIn.submittedAt} : {}), handIn: entry.handIn ? `${entry.handIn.source}: ${entry.handIn.detail}` : undefined,
    checks: outcomes.map(({id, pass, observed}) => ({id, pass, observed})), flags, seconds,
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

/** Shared binaries are known only once everyone is checked: then every result is flagged, signed and stored. */
export function finishRun(hw: Homework, graded: Graded[], reports: StudentReport[], opts: Pick<HomeworkRunOptions, 'progress' | 'out'>): StudentReport[] {
  const shared = sharedBinaries(new Map(graded.map((g) => [g.report.student, g.submitted])));
  for (const g of graded) {
    const more = shared.get(g.report.student);
    if (more) {
      g.report.flags.push(...more);
      g.results.extra_data.flags = g.report.flags;
      opts.progress(g.report.student, `flagged: ${more.join('; ')}`);
    }
    // Signed with the teacher's key: no student file can pass for it, nor change it unseen.
    g.report.file = storeAttempt(opts.out, signResult(g.results, 'sandbox', {kind: 'homework'}), `${hw.lab}-homework`);
    reports.push(g.report);
  }
  return reports.sort((a, b) => a.student.localeCompare(b.student));
}

export async function checkHomework(hw: Homework, opts: HomeworkRunOptions): Promise<StudentReport[]> {
  const {entries, cleanup} = await listHandIns(opts);
  try {
    return await checkEntries(hw, entries, opts);
  } finally {
    cleanup();
  }
}

async function checkEntries(hw: Homework, entries: StudentEntry[], opts: HomeworkRunOptions): Promise<StudentReport[]> {
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
      // A graded student's container and image are removed while the worker checks the next one (removals wait
      // on disk more than on the CPU); at most one removal per worker is under way, and the last is awaited.
      let removing: Promise<void> = Promise.resolve();
      while (!sandbox.signal.aborted && next < students.length) {
        const i = next++;
        const entry = students[i];
        const say = (m: string) => opts.progress(entry.id, m);
        say(`[${i + 1}/${students.length}] ${entry.kind === 'folder' ? 'copying the submission' : `from ${entry.entry}`}`);
        const facts = await gradeFacts(sandbox, hw, () => checkStudent(sandbox, hw, entry, i + 1, say));
        await removing;
        removing = sandbox.signal.aborted ? Promise.resolve() : removeStudent(sandbox, hw, i + 1).catch((error: Error) => say(`cleaning up failed: ${error.message}`));
        if (!facts) break;
        graded.push(recordGraded(hw, entry, facts, opts, say));
        opts.progress('-', `${++done}/${students.length} checked`);
      }
      await removing;
    };
    await Promise.all(Array.from({length: jobs}, worker));
  }, hw.images);
  return finishRun(hw, graded, reports, opts);
}
