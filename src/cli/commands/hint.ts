import {Args, Command, Flags} from '@oclif/core';
import chalk from 'chalk';

export default class Hint extends Command {
  static override summary = 'A hint for the first unfinished step (each call reveals the next, more direct one)';
  static override args = {step: Args.string({description: 'the step (default: the first one not done)'})};
  static override flags = {lab: Flags.string({description: 'which lab (default: the one started last)'})};

  async run() {
    const {args, flags} = await this.parse(Hint);
    const {loadSession, saveSession} = await import('../../lab/session/session.js');
    const {loadExercise} = await import('../../lab/exercises/load.js');
    const {fill, localize, stepText, terminal} = await import('../../lab/render/text.js');
    const {runningEnvironment} = await import('../../lab/app/open-lab.js');
    const {pullSession, pushSession} = await import('../../lab/session/mirror.js');
    let session = loadSession(flags.lab);
    const env = await runningEnvironment(session);
    if (env) session = await pullSession(env, session);
    const exercise = loadExercise(session.lab);
    const step = args.step
      ? exercise.steps.find((s) => s.id === args.step)
      : exercise.steps.find((s) => s.checks.some((c) => !session.progress[s.id]?.[c.id]));
    if (!step) this.error(args.step ? `no step "${args.step}"` : 'every step is done: nothing left to hint at', {exit: args.step ? 1 : 0});
    const hints = step.checks.filter((c) => !session.progress[step.id]?.[c.id]).flatMap((c) => c.hints ?? []);
    const used = session.hints[step.id] ?? 0;
    this.log(chalk.bold(localize(step.title, session.lang)));
    if (used === 0) this.log(terminal(stepText(exercise, step.id, session.lang, {workdir: session.workdir, params: session.params ?? {}})));
    const tier = Math.min(used, hints.length - 1);
    if (hints.length > 0) this.log(chalk.yellow(`Hint ${tier + 1}/${hints.length}: `) + fill(localize(hints[tier], session.lang), {workdir: session.workdir, params: session.params ?? {}}));
    session.hints[step.id] = used + 1;
    saveSession(session);
    if (env) await pushSession(env, session).finally(() => env.close());
  }
}
