/**
 * A worker's homework jobs: each graded in a sandbox engine of this machine, as `lab homework check` grades on
 * one machine. Sandboxes are made when the first job needs one (per set of base images and limits, so one in
 * practice), live as long as the worker, and are removed when it stops; each job's build context, containers and
 * image are removed as soon as it is graded.
 */
import {rmSync} from 'node:fs';
import {loadBaseImages} from './base-images.js';
import {evaluateChecks} from './checks.js';
import {flagSubmission} from './flags.js';
import {checkHomeworkJob, writeHomeworkJob} from './queued-job.js';
import type {HomeworkJobResult} from './queued-result.js';
import {removeStudent, withSandbox, type Sandbox} from './sandbox.js';
import {checkCopied} from './student.js';
import type {Homework} from './types.js';
import type {JobContext, JobHandler} from '../queue/worker.js';

interface PooledSandbox {
  ready: Promise<Sandbox>;
  finished: Promise<void>;
}

export interface HomeworkGrader {
  handler: JobHandler;
  /** Removes every sandbox (engine, containers, mounts, cgroup). */
  close(): Promise<void>;
}

export function homeworkGrader(concurrency: number, log: (m: string) => void): HomeworkGrader {
  const pool = new Map<string, PooledSandbox>();
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let n = 0;

  const sandboxFor = (hw: Homework): Promise<Sandbox> => {
    const key = JSON.stringify([hw.images, hw.limits.memoryMb, hw.limits.pids]);
    let pooled = pool.get(key);
    if (!pooled) {
      // Room for a few times one container's limits per job graded at once, as on one machine.
      const limits = {memoryBytes: hw.limits.memoryMb * 4 * concurrency * 1048576, pids: hw.limits.pids * 4 * concurrency};
      let ready!: (s: Sandbox) => void;
      let failed!: (e: Error) => void;
      const readyPromise = new Promise<Sandbox>((resolve, reject) => ((ready = resolve), (failed = reject)));
      const finished = withSandbox(limits, log, async (sandbox) => {
        await loadBaseImages(hw, sandbox, log);
        ready(sandbox);
        await stopped;
      }, hw.images).catch((error: Error) => {
        failed(error);
        pool.delete(key);
      });
      pooled = {ready: readyPromise, finished};
      pool.set(key, pooled);
    }
    return pooled.ready;
  };

  const handler = async (data: unknown, ctx: JobContext): Promise<HomeworkJobResult> => {
    const started = Date.now();
    const i = ++n;
    // The job is checked before a sandbox is made for it: bad data costs nothing.
    const job = checkHomeworkJob(data);
    const sandbox = await sandboxFor(job.hw);
    const context = sandbox.contextDir(String(i));
    const copy = writeHomeworkJob(job, context);
    const say = (stage: string) => void ctx.progress({student: job.student, stage}).catch(() => undefined);
    say('copied');
    try {
      const facts = await checkCopied(sandbox, job.hw, copy, context, i, say);
      if (sandbox.signal.aborted) throw new Error('the worker is stopping');
      const outcomes = evaluateChecks(job.hw, facts);
      const flagged = flagSubmission(facts.copy, facts.context);
      return {version: 1, digest: job.digest, worker: ctx.worker, outcomes, flagged, seconds: (Date.now() - started) / 1000};
    } finally {
      if (!sandbox.signal.aborted) await removeStudent(sandbox, job.hw, i).catch((error: Error) => log(`cleaning up job ${ctx.id}: ${error.message}`));
      rmSync(context, {recursive: true, force: true});
    }
  };

  return {
    handler,
    close: async () => {
      stop();
      await Promise.all([...pool.values()].map((p) => p.finished));
    },
  };
}
