import {Args, Command, Flags} from '@oclif/core';
import chalk from 'chalk';

export default class Hint extends Command {
  static override summary = 'A hint for the first unfinished step (each call reveals the next, more direct one)';
  static override args = {step: Args.string({description: 'the step (default: the first one not done)'})};
  static override flags = {lab: Flags.string({description: 'which lab (default: the one started last)'})};

  async run() {
    const {args, flags} = await this.parse(Hint);
    const {loadExercise} = await import('../../lab/exercises/load.js');
    const {fill, localize, stepText, terminal} = await import('../../lab/render/text.js');
    const {nextHint, updateSession} = await import('../../lab/app/answer-and-hint.js');
    await updateSession(flags.lab, (session) => {
      const exercise = loadExercise(session.lab);
      let next;
      try {
        next = nextHint(exercise, session, args.step);
      } catch (error) {
        this.error((error as Error).message, {exit: 1});
      }
      if (!next) this.error('every step is done: nothing left to hint at', {exit: 0});
      const context = {workdir: session.workdir, params: session.params ?? {}};
      this.log(chalk.bold(localize(next.step.title, session.lang)));
      if (next.first) this.log(terminal(stepText(exercise, next.step.id, session.lang, context)));
      if (next.hint) this.log(chalk.yellow(`Hint ${next.hint.number}/${next.hint.of}: `) + fill(localize(next.hint.text, session.lang), context));
    });
  }
}
