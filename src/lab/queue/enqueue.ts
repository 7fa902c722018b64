/**
 * The teacher's side of a run on the queue: jobs are added a window at a time (a submission travels inside its
 * job, so Redis holds at most `window` of them), their progress is passed on, and each job's end is handled exactly
 * once — from BullMQ's completed/failed events, and from a poll of the jobs still open in case an event was missed
 * (a reconnect). A job's id is given by the caller and says what is graded, so adding it again (a run started
 * again after the teacher's machine went away) finds the job, or its result, instead of grading it twice. A job
 * is removed once its result is stored.
 */
import {type Job, Queue, QueueEvents} from 'bullmq';
import {defaultQueueName, probeRedis} from './connection.js';

export interface QueuedJob<D> {
  /** Unique for what the job grades: no ':' (BullMQ's separator), not only digits. */
  id: string;
  kind: string;
  /** Made when the job is added, not before (a submission's content is read only then). */
  data: () => Promise<D> | D;
}

export interface QueueRunOptions<R> {
  url: string;
  queueName?: string;
  /** Jobs on the queue at once. */
  window?: number;
  /** Tries per job (a worker's error; a worker's death is BullMQ's stalled-job handling, not a try). */
  attempts?: number;
  /** Checks the worker's answer against the job; throws when it cannot stand. */
  accept: (id: string, result: unknown) => R;
  onProgress?: (id: string, progress: unknown) => void;
  /** Called once per job with its accepted result. */
  onResult: (id: string, result: R) => Promise<void> | void;
  /** Called once per job that failed every try, or whose result was refused. */
  onFailed: (id: string, reason: string) => Promise<void> | void;
  signal?: AbortSignal;
}

export const jobIdPattern = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

export async function runOnQueue<D, R>(jobs: Array<QueuedJob<D>>, opts: QueueRunOptions<R>): Promise<void> {
  const connection = await probeRedis(opts.url);
  const name = opts.queueName ?? defaultQueueName;
  for (const j of jobs) if (!jobIdPattern.test(j.id)) throw new Error(`job id "${j.id}" is not ${jobIdPattern}`);
  if (new Set(jobs.map((j) => j.id)).size !== jobs.length) throw new Error('two jobs with one id: each would be graded once only');
  const queue = new Queue(name, {connection});
  const events = new QueueEvents(name, {connection});
  const open = new Set<string>();
  const handled = new Set<string>();
  let next = 0;
  let failure: Error | undefined;
  let wake: () => void = () => undefined;
  const window = Math.max(1, opts.window ?? 50);
  const attempts = Math.max(1, opts.attempts ?? 3);

  const settle = async (id: string, how: () => Promise<void> | void) => {
    if (handled.has(id) || !open.has(id)) return;
    handled.add(id);
    try {
      await how();
      open.delete(id);
      await queue.remove(id).catch(() => undefined);
    } catch (error) {
      failure ??= error as Error;
    }
    wake();
  };
  const completed = (id: string, value: unknown) => settle(id, async () => {
    let result: R;
    try {
      result = opts.accept(id, typeof value === 'string' ? JSON.parse(value) : value);
    } catch (error) {
      return opts.onFailed(id, `the worker's result was refused: ${(error as Error).message}`);
    }
    return opts.onResult(id, result);
  });
  const failed = (id: string, reason: string) => settle(id, () => opts.onFailed(id, reason));
  /** What the queue holds for a job: its end when it has one (missed events, or a run started again). */
  const look = async (job: Job | undefined) => {
    if (!job?.id || !job.finishedOn) return;
    if (job.failedReason && job.returnvalue == null) {
      const state = await job.getState();
      if (state === 'failed') await failed(job.id, job.failedReason);
    } else {
      await completed(job.id, job.returnvalue);
    }
  };

  events.on('progress', ({jobId, data}) => (open.has(jobId) ? opts.onProgress?.(jobId, data) : undefined));
  events.on('completed', ({jobId, returnvalue}) => void completed(jobId, returnvalue));
  // 'failed' comes for the last try only; one that will be tried again is 'retries' later, not an end.
  events.on('failed', ({jobId, failedReason}) => void queue.getJob(jobId).then((job) => look(job), () => failed(jobId, failedReason)));
  events.on('error', () => undefined);
  queue.on('error', () => undefined);
  const poll = setInterval(() => {
    for (const id of open) void queue.getJob(id).then(look, () => undefined);
  }, 5000);
  try {
    await events.waitUntilReady();
    while (!failure && !opts.signal?.aborted && (next < jobs.length || open.size > 0)) {
      const batch: Array<{name: string; data: D; opts: {jobId: string; attempts: number; backoff: {type: 'fixed'; delay: number}}}> = [];
      while (next < jobs.length && open.size + batch.length < window) {
        const j = jobs[next++];
        batch.push({name: j.kind, data: await j.data(), opts: {jobId: j.id, attempts, backoff: {type: 'fixed', delay: 1000}}});
      }
      if (batch.length > 0) {
        for (const b of batch) open.add(b.opts.jobId);
        const added = await queue.addBulk(batch);
        // An id already on the queue gives back that job: finished already (a run started again), its result counts.
        for (const job of added) await look(job);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1000);
      });
    }
    if (failure) throw failure;
  } finally {
    clearInterval(poll);
    await events.close().catch(() => undefined);
    await queue.close().catch(() => undefined);
  }
}
