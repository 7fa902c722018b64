import {Args, Command} from '@oclif/core';
import chalk from 'chalk';

export default class ExerciseTest extends Command {
  static override summary = 'Prove a lab\'s checks: each fails before its step, rejects every near miss, and passes after the solve script';
  static override description = 'Runs on a private engine and temp dirs (root). Run in CI for every lab.';
  static override args = {lab: Args.string({description: 'the lab, e.g. 26', required: true})};
  static override enableJsonFlag = true;

  async run() {
    const {args} = await this.parse(ExerciseTest);
    const {loadExercise} = await import('../../../lab/exercises/load.js');
    const {selfTest} = await import('../../../lab/app/self-test.js');
    const exercise = loadExercise(args.lab);
    const lines: Array<Record<string, unknown>> = [];
    const started = Date.now();
    const ok = await selfTest(
      exercise,
      (l) => {
        lines.push({...l});
        if (!this.jsonEnabled()) this.log(`${l.ok ? chalk.green('✓') : chalk.red('✗')} ${l.step} ${chalk.dim(l.phase)} ${l.name}: ${l.detail}`);
      },
      (m) => {
        if (!this.jsonEnabled()) process.stderr.write(chalk.dim(`› ${m}\n`));
      },
    );
    const passed = lines.filter((l) => l.ok).length;
    if (!this.jsonEnabled()) this.log(`\n${passed} passed, ${lines.length - passed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (!ok) process.exitCode = 1;
    return {lab: exercise.id, ok, lines};
  }
}
