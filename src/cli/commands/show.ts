import {Args, Command, Flags} from '@oclif/core';
import chalk from 'chalk';

export default class Show extends Command {
  static override summary = 'Show a step\'s text again (default: the first unfinished step); it reveals no hint';
  static override description = 'Steps are named by their id (as lab status lists them) or by their number. lab hint is for when you are stuck: it counts, and each call tells more.';
  static override enableJsonFlag = true;
  static override args = {step: Args.string({description: 'the step: its id or number (default: the first one not done)'})};
  static override flags = {lab: Flags.string({description: 'which lab (default: the one started last)'})};

  async run() {
    const {args, flags} = await this.parse(Show);
    const {loadSession} = await import('../../lab/session/session.js');
    const {loadExercise} = await import('../../lab/exercises/load.js');
    const {localize, stepText, terminal} = await import('../../lab/render/text.js');
    let session;
    try {
      session = loadSession(flags.lab);
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
    const exercise = loadExercise(session.lab);
    const steps = exercise.steps;
    const done = (i: number) => steps[i].checks.every((c) => session.progress[steps[i].id]?.[c.id]);
    let index: number;
    if (args.step === undefined) {
      index = steps.findIndex((_, i) => !done(i));
      if (index === -1) index = steps.length - 1;
    } else if (/^\d+$/.test(args.step)) {
      index = Number(args.step) - 1;
    } else {
      index = steps.findIndex((s) => s.id === args.step);
    }
    if (index < 0 || index >= steps.length) {
      this.error(`lab ${exercise.id} has no step "${args.step}": its steps are ${steps.map((s, i) => `${i + 1} ${s.id}`).join(', ')}`, {exit: 1});
    }
    const step = steps[index];
    const context = {workdir: session.workdir, params: session.params ?? {}};
    const text = stepText(exercise, step.id, session.lang, context);
    const title = localize(step.title, session.lang);
    if (!this.jsonEnabled()) {
      this.log(`${done(index) ? chalk.green('✓') : chalk.dim('·')} ${chalk.bold(`${index + 1}. ${title}`)} ${chalk.dim(`(${step.id}, ${index + 1}/${steps.length})`)}`);
      this.log(terminal(text));
    }
    return {lab: exercise.id, step: step.id, number: index + 1, of: steps.length, title, done: done(index), text};
  }
}
