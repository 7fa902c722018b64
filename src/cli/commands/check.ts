import {Args, Command, Flags} from '@oclif/core';

export default class Check extends Command {
  static override summary = 'Check your work: reads the real state (kernel, images, containers) and grades each step';
  static override examples = ['<%= config.bin %> check', '<%= config.bin %> check static', '<%= config.bin %> check --json'];
  static override enableJsonFlag = true;
  static override args = {step: Args.string({description: 'only this step (its id, e.g. static)'})};
  static override flags = {
    lab: Flags.string({description: 'which lab (default: the one started last)'}),
    verbose: Flags.boolean({char: 'v', description: 'show every check, also of finished steps'}),
  };

  async run() {
    const {args, flags} = await this.parse(Check);
    const {openLab, saveLab} = await import('../lab-context.js');
    const {evaluate, recordProgress, snapshotRequest, takeSnapshot} = await import('../../lab/grading/run-checks.js');
    const {collectorCommand} = await import('../../lab/grading/collector-command.js');
    const {renderResults} = await import('../ui/check-report.js');
    let ctx;
    try {
      ctx = await openLab(flags.lab);
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
    const {session, exercise, env} = ctx;
    if (args.step && !exercise.steps.some((s) => s.id === args.step)) {
      this.error(`lab ${exercise.id} has no step "${args.step}" (steps: ${exercise.steps.map((s) => s.id).join(', ')})`, {exit: 1});
    }
    const collector = collectorCommand(env);
    const snapshot = await takeSnapshot(env, snapshotRequest(exercise, session), collector);
    const results = evaluate(exercise, session, snapshot, args.step);
    recordProgress(session, results);
    try {
      await saveLab({session, env});
    } finally {
      await env.close();
    }
    if (!snapshot.engine.reachable && !this.jsonEnabled()) this.warn(`the container engine does not answer (${snapshot.engine.error}); start it with: lab engine start`);
    if (!this.jsonEnabled()) this.log(renderResults(results, session.lang, flags.verbose));
    const score = results.reduce((s, r) => s + r.score, 0);
    const max = results.reduce((s, r) => s + r.maxScore, 0);
    return {
      lab: exercise.id, score, maxScore: max,
      steps: results.map((r) => ({id: r.step.id, done: r.done, score: r.score, maxScore: r.maxScore, checks: r.checks.map((c) => ({id: c.id, done: c.done, pass: c.verdict.pass, weight: c.weight, observed: c.verdict.observed, expected: c.verdict.expected, concept: c.verdict.concept, warning: c.verdict.warning, evidence: c.verdict.evidence}))})),
    };
  }
}
