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
    const {openLab} = await import('../../lab/app/open-lab.js');
    const {checkLab, checkStepExists, checkSummary} = await import('../../lab/app/check-lab.js');
    const {renderResults} = await import('../ui/check-report.js');
    let ctx;
    try {
      ctx = await openLab(flags.lab);
      checkStepExists(ctx.exercise, args.step);
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
    const {results, engine} = await checkLab(ctx, {step: args.step});
    if (!engine.reachable && !this.jsonEnabled()) this.warn(`the container engine does not answer (${engine.error}); start it with: lab engine start`);
    else if (engine.error && !this.jsonEnabled()) this.warn(`the container engine stopped answering while it was read (${engine.error}): the checks below saw none of its containers; run lab check again`);
    if (!this.jsonEnabled()) this.log(renderResults(results, ctx.session.lang, flags.verbose));
    return checkSummary(ctx.exercise, results);
  }
}
