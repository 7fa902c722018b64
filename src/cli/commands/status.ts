import {Args, Command, Flags} from '@oclif/core';
import chalk from 'chalk';

export default class Status extends Command {
  static override summary = 'Show the lab\'s steps, which are done, and the score so far (from the last check)';
  static override enableJsonFlag = true;
  static override args = {lab: Args.string({description: 'which lab, as given to lab start (default: the one started last)'})};
  static override flags = {lab: Flags.string({description: 'which lab (the same as the argument)'})};

  async run() {
    const {args, flags} = await this.parse(Status);
    const lab = args.lab ?? flags.lab;
    const {loadSession} = await import('../../lab/session/session.js');
    const {loadExercise} = await import('../../lab/exercises/load.js');
    const {localize} = await import('../../lab/render/text.js');
    let session;
    try {
      session = loadSession(lab);
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
    const exercise = loadExercise(session.lab);
    let score = 0;
    let max = 0;
    const steps = exercise.steps.map((s, i) => {
      const passed = s.checks.filter((c) => session.progress[s.id]?.[c.id]);
      const stepMax = s.checks.reduce((sum, c) => sum + (c.weight ?? 1), 0);
      const stepScore = passed.reduce((sum, c) => sum + (c.weight ?? 1), 0);
      score += stepScore;
      max += stepMax;
      const done = passed.length === s.checks.length;
      if (!this.jsonEnabled()) this.log(`${done ? chalk.green('✓') : chalk.dim('·')} ${i + 1}. ${localize(s.title, session.lang)} ${chalk.dim(`${s.id} ${stepScore}/${stepMax}`)}`);
      return {id: s.id, done, score: stepScore, maxScore: stepMax};
    });
    if (!this.jsonEnabled()) this.log(`\nLab ${exercise.id} in ${session.workdir} (${session.provider}); score ${score}/${max}. Run lab check to update.`);
    return {lab: exercise.id, workdir: session.workdir, score, maxScore: max, steps};
  }
}
