import {Args, Command} from '@oclif/core';
import chalk from 'chalk';

export default class ExerciseLint extends Command {
  static override summary = 'Validate exercise definitions: schema, files, scripts, texts and graders they name';
  static override args = {lab: Args.string({description: 'one lab (default: all)'})};
  static override enableJsonFlag = true;

  async run() {
    const {args} = await this.parse(ExerciseLint);
    const {listExerciseIds, loadExercise} = await import('../../../lab/exercises/load.js');
    const ids = args.lab ? [args.lab] : listExerciseIds();
    const problems: Array<{lab: string; error: string}> = [];
    for (const id of ids) {
      try {
        loadExercise(id);
        if (!this.jsonEnabled()) this.log(`${chalk.green('✓')} ${id}`);
      } catch (error) {
        problems.push({lab: id, error: (error as Error).message});
        if (!this.jsonEnabled()) this.log(`${chalk.red('✗')} ${(error as Error).message}`);
      }
    }
    if (problems.length > 0) process.exitCode = 1;
    return {ok: problems.length === 0, problems};
  }
}
