import {Command, Flags} from '@oclif/core';

export default class Worker extends Command {
  static override summary = 'Grade jobs from the course\'s queue on this machine (homework submissions, students\' lab environments), until stopped';
  static override description = `Takes grading jobs that "lab homework check --queue URL" and "lab grades collect --queue URL" put on a
BullMQ queue in Redis, --concurrency at a time: a submission is graded in a sandbox engine of this machine's own
(root, as lab homework check), a student's environment observed as lab grades collect does; the facts go back and
the teacher's machine writes and signs the results. Run it on as many machines as you like, all pointed at
the same Redis. A worker that dies mid-job (a crash, kill -9, a machine gone) stops renewing its hold on the job,
and another worker takes it within --lock-seconds and a half. Ctrl-C or SIGTERM stops taking jobs and removes the
sandbox; the jobs it was grading go to other workers.`;
  static override examples = [
    '<%= config.bin %> worker --redis redis://grading.example.edu:6379 --concurrency 2',
  ];
  static override flags = {
    redis: Flags.string({description: 'the queue\'s Redis: redis://[user:password@]host[:port][/db], or rediss:// for TLS', required: true, env: 'LAB_QUEUE'}),
    'queue-name': Flags.string({description: 'the BullMQ queue (default lab-grading; one per course sharing a Redis)'}),
    concurrency: Flags.integer({char: 'c', min: 1, max: 64, description: 'jobs graded at once (default: the number of cores)'}),
    'lock-seconds': Flags.integer({min: 2, max: 3600, default: 30, description: 'how long a job stays with a worker that stopped answering before another takes it'}),
  };

  async run() {
    const {flags} = await this.parse(Worker);
    const {availableParallelism} = await import('node:os');
    const {startGradingWorker} = await import('../../lab/app/grading-worker.js');
    const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
    let worker;
    try {
      worker = await startGradingWorker({url: flags.redis, queueName: flags['queue-name'], concurrency: flags.concurrency ?? availableParallelism(), lockSeconds: flags['lock-seconds'], log});
    } catch (error) {
      if ((error as Error).name === 'QueueError') this.error((error as Error).message, {exit: 2});
      throw error;
    }
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        log(`${signal}: taking no more jobs, removing the sandbox`);
        void worker.stop().finally(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  }
}
