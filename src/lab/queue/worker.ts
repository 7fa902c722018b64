/**
 * A worker's side of the queue: BullMQ's Worker taking `concurrency` jobs at a time and handing each to the
 * handler for its kind. The lock a worker holds on a job is renewed every half of lockMs; when a worker dies its
 * locks expire and the other workers' stalled-job check (every stalledMs) puts its jobs back on the queue.
 */
import {hostname} from 'node:os';
import {type Job, Worker} from 'bullmq';
import {defaultQueueName, probeRedis, queueTiming} from './connection.js';

export interface JobContext {
  id: string;
  /** This worker, as host:pid, in progress reports and results. */
  worker: string;
  progress(data: Record<string, unknown>): Promise<void>;
}

/** Checks the job's data and grades it; what it returns goes back to the teacher as the job's result. */
export type JobHandler = (data: unknown, ctx: JobContext) => Promise<unknown>;

export interface WorkerOptions {
  url: string;
  queueName?: string;
  concurrency: number;
  /** See QueueTiming: how soon a dead worker's jobs go to another one. */
  lockSeconds?: number;
  handlers: Record<string, JobHandler>;
  log: (message: string) => void;
}

export interface RunningWorker {
  id: string;
  /** Takes no new job; with `force`, does not wait for the running ones (they go back to the queue as stalled). */
  close(force?: boolean): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const connection = await probeRedis(opts.url);
  const timing = queueTiming(opts.lockSeconds);
  const id = `${hostname()}:${process.pid}`;
  const worker = new Worker(opts.queueName ?? defaultQueueName, async (job: Job) => {
    const handler = opts.handlers[job.name];
    // A kind this worker does not know is no try to repeat elsewhere: every worker runs the same package.
    if (!handler) throw new Error(`this worker does not grade jobs of kind "${job.name}" (it knows ${Object.keys(opts.handlers).join(', ')})`);
    opts.log(`job ${job.id} (${job.name}), try ${job.attemptsMade + 1}`);
    const ctx: JobContext = {id: job.id!, worker: id, progress: (data) => job.updateProgress({...data, worker: id})};
    const started = Date.now();
    const result = await handler(job.data, ctx);
    opts.log(`job ${job.id} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  }, {
    connection, concurrency: opts.concurrency, lockDuration: timing.lockMs, stalledInterval: timing.stalledMs,
    maxStalledCount: timing.maxStalled, autorun: false,
  });
  worker.on('failed', (job, error) => opts.log(`job ${job?.id ?? '?'} failed: ${error.message}`));
  worker.on('error', (error) => opts.log(`queue: ${error.message}`));
  void worker.run();
  await worker.waitUntilReady();
  opts.log(`worker ${id} on ${connection.host}:${connection.port}, queue ${opts.queueName ?? defaultQueueName}, ${opts.concurrency} at a time; lock ${timing.lockMs / 1000} s, stalled check every ${timing.stalledMs / 1000} s`);
  return {id, close: (force = false) => worker.close(force)};
}
