import {Args, Command, Flags} from '@oclif/core';

export default class VmDestroy extends Command {
  static override summary = 'Kill a lab VM and delete its disk, keys and logs';
  static override examples = ['<%= config.bin %> vm destroy lab26', '<%= config.bin %> vm destroy --stale'];
  static override enableJsonFlag = true;
  static override args = {name: Args.string({description: 'VM name'})};
  static override flags = {
    stale: Flags.boolean({description: 'destroy every VM left by a crash'}),
  };

  async run(): Promise<{destroyed: string[]}> {
    const {args, flags} = await this.parse(VmDestroy);
    const {destroyVm, listVms} = await import('../../../vm/machine/lifecycle.js');
    if (!args.name && !flags.stale) this.error('name a VM, or pass --stale', {exit: 2});
    const names = args.name ? [args.name] : (await listVms()).filter((v) => v.state === 'stale').map((v) => v.record.name);
    const destroyed: string[] = [];
    try {
      for (const name of names) if (await destroyVm(name)) destroyed.push(name);
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
    if (!this.jsonEnabled()) {
      if (args.name && destroyed.length === 0) this.log(`There was no VM named ${args.name}.`);
      for (const name of destroyed) this.log(`Destroyed ${name}.`);
      if (!args.name && destroyed.length === 0) this.log('No stale VMs.');
    }
    return {destroyed};
  }
}
