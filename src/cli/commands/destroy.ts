import {Args, Command, Flags} from '@oclif/core';
import type {Environment} from '../../environment/environment.js';

export default class Destroy extends Command {
  static override summary = 'End the lab for good: delete its VM (disk, keys, logs) and forget the session here';
  static override description = `For a lab in a VM (qemu, or libvirt on one of lab-hosts.json's hosts), the VM is killed and everything of
it removed: no process, port, domain, volume or file of it is left. On this machine or an SSH host, only the
session is forgotten; the machine and its files stay.
Run lab submit first if your course collects results.`;
  static override examples = ['<%= config.bin %> destroy', '<%= config.bin %> destroy 26'];
  static override enableJsonFlag = true;
  static override args = {lab: Args.string({description: 'which lab, as given to lab start (default: the one started last)'})};
  static override flags = {lab: Flags.string({description: 'which lab (the same as the argument)'})};

  private async cleanup(session: {lab: string; params?: Record<string, string>}, env: Environment | undefined): Promise<void> {
    if (!env) return;
    const {loadExercise} = await import('../../lab/exercises/load.js');
    const {cleanupLab} = await import('../../lab/session/prepare.js');
    try {
      await cleanupLab(env, loadExercise(session.lab), session.params);
    } catch (error) {
      this.warn(`lab ${session.lab}'s cleanup did not finish: ${(error as Error).message}`);
    } finally {
      await env.close();
    }
  }

  async run(): Promise<{lab: string; provider: string; vmDestroyed: boolean}> {
    const {args, flags} = await this.parse(Destroy);
    const lab = args.lab ?? flags.lab;
    const {forgetSession, loadSession} = await import('../../lab/session/session.js');
    const {providerFor} = await import('../../lab/providers/index.js');
    try {
      const session = loadSession(lab);
      const provider = await providerFor(session.provider, session.ssh);
      const vmDestroyed = await provider.destroy(session.envName);
      // A machine that stays keeps what the lab set up outside its engine (lab 26's audit rules) unless it is undone.
      if (!vmDestroyed) await this.cleanup(session, await provider.connect(session.envName, session.workdir));
      forgetSession(session.lab);
      if (!this.jsonEnabled()) this.log(vmDestroyed ? `Destroyed VM ${session.envName}; lab ${session.lab} is over.` : `Lab ${session.lab} is forgotten here.`);
      return {lab: session.lab, provider: session.provider, vmDestroyed};
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
  }
}
