/**
 * `lab worker`: this machine grades jobs from the queue — homework submissions in sandbox engines of its own, and students' lab environments it can reach —
 * until it is stopped. Stopping (Ctrl-C, SIGTERM) takes no new job and removes the sandboxes; jobs it was grading
 * go back on the queue when their locks run out, and another worker grades them.
 */
import {removeAbandonedSandboxes} from '../homework/abandoned-sandboxes.js';
import {homeworkGrader} from '../homework/queued-worker.js';
import {homeworkJobKind} from '../homework/queued-job.js';
import {startWorker} from '../queue/worker.js';
import {collectJob, collectJobKind} from './collect-queued.js';

export interface GradingWorkerOptions {
  url: string;
  queueName?: string;
  concurrency: number;
  lockSeconds?: number;
  log: (m: string) => void;
}

export interface GradingWorker {
  id: string;
  stop(): Promise<void>;
}

export async function startGradingWorker(opts: GradingWorkerOptions): Promise<GradingWorker> {
  // A worker killed outright (kill -9, the OOM killer) left its sandbox running: removed before taking jobs.
  for (const dir of await removeAbandonedSandboxes(opts.log)) opts.log(`removed ${dir}`);
  const homework = homeworkGrader(opts.concurrency, opts.log);
  const worker = await startWorker({...opts, handlers: {[homeworkJobKind]: homework.handler, [collectJobKind]: collectJob}});
  let stopping: Promise<void> | undefined;
  return {
    id: worker.id,
    stop: () => (stopping ??= (async () => {
      await worker.close(true).catch(() => undefined);
      await homework.close();
    })()),
  };
}
