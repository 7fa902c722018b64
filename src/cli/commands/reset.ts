import {Args, Command, Flags} from '@oclif/core';

export default class Reset extends Command {
  static override summary = 'Back to a clean start: removes the lab\'s containers and images, restores its files (and the engine\'s configuration, for labs that change it), forgets progress';
  static override args = {lab: Args.string({description: 'which lab, as given to lab start (default: the one started last)'})};
  static override flags = {
    lab: Flags.string({description: 'which lab (the same as the argument)'}),
    force: Flags.boolean({char: 'f', description: 'do not ask'}),
  };

  async run() {
    const {args, flags} = await this.parse(Reset);
    const {openLab} = await import('../../lab/app/open-lab.js');
    const {resetLab} = await import('../../lab/app/reset-lab.js');
    const ctx = await openLab(args.lab ?? flags.lab);
    const {session, exercise} = ctx;
    if (!flags.force && process.stdin.isTTY) {
      const {createInterface} = await import('node:readline/promises');
      const rl = createInterface({input: process.stdin, output: process.stdout});
      const answer = await rl.question(`Remove every container and image of lab ${exercise.id} and your files in ${session.workdir}? [y/N] `);
      rl.close();
      if (!/^y/i.test(answer)) return;
    }
    await resetLab(ctx, (m) => this.log(m));
    this.log(`Lab ${exercise.id} is back to its start.`);
  }
}
