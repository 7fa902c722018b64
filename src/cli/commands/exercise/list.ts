import {Command} from '@oclif/core';

export default class ExerciseList extends Command {
  static override summary = 'List the labs this package ships';
  static override enableJsonFlag = true;

  async run() {
    const {listExerciseIds, loadExercise} = await import('../../../lab/exercises/load.js');
    const labs = listExerciseIds().map((id) => {
      const ex = loadExercise(id);
      return {id, title: ex.title, locales: ex.locales, steps: ex.steps.length};
    });
    if (!this.jsonEnabled()) for (const l of labs) this.log(`${l.id}\t${l.title.en} (${l.locales.join(', ')}; ${l.steps} steps)`);
    return labs;
  }
}
