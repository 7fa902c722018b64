/**
 * `lab homework check --queue URL`: the same run as on one machine, with the grading done by `lab worker`s that
 * take the submissions from a BullMQ queue on Redis. This machine lists and copies the submissions (with the same
 * limits), sends each in its job, checks what comes back, and writes, signs and flags the results exactly as a
 * one-machine run does; only the building and running happen elsewhere.
 */
import {mkdirSync, readFileSync} from 'node:fs';
import {teacherKey} from '../gradebook/signing.js';
import {probeRedis} from '../queue/connection.js';
import {runOnQueue} from '../queue/enqueue.js';
import {checkBaseImages} from './base-images.js';
import {listHandIns} from './download.js';
import type {StudentEntry} from './listing.js';
import {homeworkJobId, homeworkJobKind, packSubmission} from './queued-job.js';
import {acceptHomeworkResult} from './queued-result.js';
import {finishRun, recordGraded, sandboxFailed, skippedReports, type Graded, type HomeworkRunOptions, type StudentReport} from './run.js';
import type {Homework} from './types.js';

export interface QueueRunOptions extends HomeworkRunOptions {
  queue: string;
  queueName?: string;
  /** Called as each submission's result is stored. */
  completed?: (done: number, total: number, student: string, ok: boolean, detail: string) => void;
}

export async function checkHomeworkOnQueue(hw: Homework, opts: QueueRunOptions): Promise<StudentReport[]> {
  await probeRedis(opts.queue); // before any submission is read: a wrong address is one error at once
  const {entries, cleanup} = await listHandIns(opts);
  try {
    return await queueEntries(hw, entries, opts);
  } finally {
    cleanup();
  }
}

async function queueEntries(hw: Homework, entries: StudentEntry[], opts: QueueRunOptions): Promise<StudentReport[]> {
  const reports = skippedReports(hw, entries, opts);
  const students = entries.filter((e) => !e.rejected);
  if (students.length === 0) return reports;
  await checkBaseImages(hw);
  mkdirSync(opts.out, {recursive: true});
  teacherKey(); // made before any result comes back
  const definitionText = readFileSync(hw.file, 'utf8');
  const byId = new Map<string, {entry: StudentEntry; digest: string}>();
  const graded = new Map<string, Graded>();
  const total = students.length;
  const store = (id: string, g: Graded, ok: boolean, detail: string) => {
    graded.set(id, g);
    opts.completed?.(graded.size, total, g.report.student, ok, detail);
    opts.progress('-', `${graded.size}/${total} checked`);
  };
  // Every submission is read once first, for its job's id (which depends on the content: a job added again is
  // found, not graded twice); its bytes are read again when its job goes out, so only a window of them is in memory.
  const pack = (entry: StudentEntry) => packSubmission(hw, definitionText, entry, (m) => opts.progress(entry.id, m));
  const jobs = [];
  for (const entry of students) {
    const first = await pack(entry);
    const id = homeworkJobId(first);
    byId.set(id, {entry, digest: first.digest});
    jobs.push({id, kind: homeworkJobKind, data: async () => {
      const data = await pack(entry);
      if (data.digest !== first.digest) throw new Error(`${entry.entry} changed while the run was being queued: start the run again`);
      return data;
    }});
  }
  opts.progress('-', `${total} submission(s) on the queue ${opts.queueName ?? 'lab-grading'} at ${opts.queue}`);
  await runOnQueue(jobs, {
    url: opts.queue, queueName: opts.queueName,
    accept: (id, result) => acceptHomeworkResult(result, hw, byId.get(id)!.digest),
    onProgress: (id, progress) => {
      const p = progress as {student?: unknown; stage?: unknown; worker?: unknown};
      if (typeof p?.stage === 'string') opts.progress(byId.get(id)!.entry.id, `${p.stage}${typeof p.worker === 'string' ? ` (on ${p.worker})` : ''}`);
    },
    onResult: (id, result) => {
      const {entry} = byId.get(id)!;
      const say = (m: string) => opts.progress(entry.id, `${m} (graded on ${result.worker})`);
      store(id, recordGraded(hw, entry, result, opts, say), true, `${result.outcomes.filter((o) => o.pass).length}/${result.outcomes.length} checks passed`);
    },
    onFailed: (id, reason) => {
      const {entry} = byId.get(id)!;
      const facts = {outcomes: sandboxFailed(hw, reason), flagged: {flags: [], binaries: [], sourcesHash: ''}, seconds: 0};
      store(id, recordGraded(hw, entry, facts, opts, (m) => opts.progress(entry.id, m)), false, reason);
    },
  });
  return finishRun(hw, [...graded.values()], reports, opts);
}
