import {Command, Flags} from '@oclif/core';

export default class Destroy extends Command {
  static override summary = 'End the lab for good: delete its VM (disk, keys, logs) and forget the session here';
  static override description = `For a lab in a VM, the VM is killed and its folder removed: no process, port or file of it is left.
On this machine or an SSH host, only the session is forgotten; the machine and its files stay.
Run lab submit first if your course collects results.`;
  static override examples = ['<%= config.bin %> destroy', '<%= config.bin %> destroy --lab 26'];
  static override enableJsonFlag = true;
  static override flags = {lab: Flags.string({description: 'which lab (default: the one started last)'})};

  async run(): Promise<{lab: string; provider: string; vmDestroyed: boolean}> {
    const {flags} = await this.parse(Destroy);
    const {forgetSession, loadSession} = await import('../../lab/session/session.js');
    try {
      const session = loadSession(flags.lab);
      let vmDestroyed = false;
      if (session.provider === 'qemu') {
        const {destroyVm} = await import('../../vm/machine/lifecycle.js');
        vmDestroyed = await destroyVm(session.envName);
      }
      forgetSession(session.lab);
      if (!this.jsonEnabled()) this.log(vmDestroyed ? `Destroyed VM ${session.envName}; lab ${session.lab} is over.` : `Lab ${session.lab} is forgotten here.`);
      return {lab: session.lab, provider: session.provider, vmDestroyed};
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
  }
}
