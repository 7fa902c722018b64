import {Args, Command, Flags} from '@oclif/core';

export default class Stop extends Command {
  static override summary = 'Pause the lab: power its VM off, keeping your work (lab check or lab ssh starts it again)';
  static override examples = ['<%= config.bin %> stop', '<%= config.bin %> stop 26'];
  static override enableJsonFlag = true;
  static override args = {lab: Args.string({description: 'which lab, as given to lab start (default: the one started last)'})};
  static override flags = {lab: Flags.string({description: 'which lab (the same as the argument)'})};

  async run(): Promise<{lab: string; provider: string; stopped: boolean}> {
    const {args, flags} = await this.parse(Stop);
    const lab = args.lab ?? flags.lab;
    const {loadSession} = await import('../../lab/session/session.js');
    try {
      const session = loadSession(lab);
      const {providerFor} = await import('../../lab/providers/index.js');
      const result = await (await providerFor(session.provider, session.ssh)).stop(session.envName);
      if (result === 'keeps running') {
        if (!this.jsonEnabled()) this.log(`Lab ${session.lab} runs on ${session.provider === 'local' ? 'this machine' : 'an SSH host'}, which keeps running; there is nothing to stop.`);
        return {lab: session.lab, provider: session.provider, stopped: false};
      }
      if (!this.jsonEnabled()) this.log(result === 'stopped' ? `Stopped VM ${session.envName}; your work is kept.` : `VM ${session.envName} was not running.`);
      return {lab: session.lab, provider: session.provider, stopped: result === 'stopped'};
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
  }
}
