import {Args, Command} from '@oclif/core';

export default class VmStop extends Command {
  static override summary = 'Power a lab VM off, keeping its disk';
  static override description = 'Asks the guest to power off (its init stops the engine and flushes the disk); start it again with `lab vm start NAME`.';
  static override examples = ['<%= config.bin %> vm stop lab26'];
  static override enableJsonFlag = true;
  static override args = {name: Args.string({description: 'VM name', required: true})};

  async run(): Promise<{name: string; result: string}> {
    const {args} = await this.parse(VmStop);
    const {stopVm} = await import('../../../vm/machine/lifecycle.js');
    try {
      const result = await stopVm(args.name);
      if (!this.jsonEnabled()) this.log(result === 'stopped' ? `Stopped ${args.name}.` : `${args.name} was not running.`);
      return {name: args.name, result};
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
  }
}
