/**
 * `lab grades collect --queue URL`: each student's environment is observed by a `lab worker` (which must reach it:
 * for ssh hosts any worker with the key at --key's path; VMs and directories only the machine they are on) and
 * the unsigned results come back; this machine checks each one as it checks any results file (schema and sums),
 * that it is of the student and lab it was asked for, then signs and stores it as a one-machine collection does.
 * Every collection is a new attempt, so the job ids are those of this run; each job's end is stored once.
 */
import {createHash, randomBytes} from 'node:crypto';
import {parseResults} from '../gradebook/validate.js';
import {teacherKey} from '../gradebook/signing.js';
import {loadExercise} from '../exercises/load.js';
import {runOnQueue} from '../queue/enqueue.js';
import type {JobContext} from '../queue/worker.js';
import type {RosterStudent} from '../roster/types.js';
import {type CollectOutcome, type CollectTarget, type Observation, observeStudent, storeObservation} from './collect-class.js';

export const collectJobKind = 'lab-collect';

interface CollectJobData {
  version: 1;
  lab: string;
  student: RosterStudent;
  target: CollectTarget;
}

type CollectJobResult = {version: 1; student: string; worker: string; seconds: number} & ({ok: true; observation: Observation} | {ok: false; error: string});

/** A worker's side: the job's fields checked, the student's environment observed; not reaching it is a result too. */
export async function collectJob(raw: unknown, ctx: JobContext): Promise<CollectJobResult> {
  const d = raw as Partial<CollectJobData>;
  if (typeof d !== 'object' || d === null || d.version !== 1) throw new Error('job data: at /version: a lab-collect job of version 1 expected');
  if (typeof d.lab !== 'string' || !/^[a-z0-9-]+$/.test(d.lab)) throw new Error('job data: at /lab: a lab id expected');
  if (typeof d.student?.id !== 'string') throw new Error('job data: at /student/id: a student id expected');
  if (!['ssh', 'qemu', 'libvirt', 'local'].includes(d.target?.provider as string)) throw new Error('job data: at /target/provider: ssh, qemu, libvirt or local expected');
  const started = Date.now();
  await ctx.progress({student: d.student.id, stage: 'collecting'});
  const base = {version: 1 as const, student: d.student.id, worker: ctx.worker};
  try {
    const observation = await observeStudent(d.student, loadExercise(d.lab), d.target!, started);
    return {...base, ok: true, observation, seconds: (Date.now() - started) / 1000};
  } catch (error) {
    return {...base, ok: false, error: (error as Error).message, seconds: (Date.now() - started) / 1000};
  }
}

function acceptCollected(raw: unknown, s: RosterStudent, lab: string): CollectJobResult {
  const r = raw as CollectJobResult;
  if (typeof r !== 'object' || r === null || r.version !== 1) throw new Error('at /version: 1 expected');
  if (r.student !== s.id) throw new Error(`at /student: "${s.id}" expected: this result is of another student`);
  if (typeof r.seconds !== 'number' || typeof r.worker !== 'string') throw new Error('at /seconds, /worker: a duration and the worker expected');
  if (!r.ok) {
    if (typeof r.error !== 'string') throw new Error('at /error: text expected');
    return r;
  }
  const report = r.observation?.report;
  parseResults(`the result of ${s.id} from ${r.worker}`, JSON.stringify(report ?? null));
  if (report.extra_data.student !== s.id || report.extra_data.lab !== lab) throw new Error(`at /observation/report/extra_data: student "${s.id}" and lab "${lab}" expected`);
  if (typeof r.observation.engineReachable !== 'boolean') throw new Error('at /observation/engineReachable: true or false expected');
  return r;
}

export async function collectClassOnQueue(students: RosterStudent[], lab: string, target: CollectTarget, store: string, queue: {url: string; name?: string}, progress: (done: number, total: number, last: CollectOutcome) => void): Promise<CollectOutcome[]> {
  const exercise = loadExercise(lab);
  teacherKey();
  const run = randomBytes(8).toString('hex');
  const byJob = new Map(students.map((s) => [`lab-${createHash('sha256').update(`${run}\0${s.id}`).digest('hex').slice(0, 40)}`, s]));
  const outcomes: CollectOutcome[] = [];
  const done = (o: CollectOutcome) => {
    outcomes.push(o);
    progress(outcomes.length, students.length, o);
  };
  await runOnQueue([...byJob].map(([id, s]) => ({id, kind: collectJobKind, data: (): CollectJobData => ({version: 1, lab, student: s, target})})), {
    url: queue.url, queueName: queue.name,
    accept: (id, result) => acceptCollected(result, byJob.get(id)!, exercise.id),
    onResult: (id, r) => {
      const s = byJob.get(id)!;
      done(r.ok ? storeObservation(s, exercise, r.observation, store, r.seconds) : {student: s.id, ok: false, error: r.error, seconds: r.seconds});
    },
    onFailed: (id, reason) => done({student: byJob.get(id)!.id, ok: false, error: reason, seconds: 0}),
  });
  return outcomes.sort((a, b) => students.findIndex((s) => s.id === a.student) - students.findIndex((s) => s.id === b.student));
}
