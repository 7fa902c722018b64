import {Args, Command, Flags} from '@oclif/core';
import type {VmRecord} from '../../../vm/record.js';

export default class VmStart extends Command {
  static override summary = 'Start a lab VM (created on first use), and wait until SSH and the engine answer';
  static override description = `Boots the VM NAME from the lab VM image (built first if needed): a copy-on-write disk of its own, SSH keys
generated for it alone, and qemu in the background. A stopped VM boots again with its disk as it was.
Get a shell in it with \`lab ssh NAME\`.`;
  static override examples = ['<%= config.bin %> vm start lab26', '<%= config.bin %> vm start lab26 --no-engine-wait'];
  static override enableJsonFlag = true;
  static override args = {name: Args.string({description: 'VM name (lowercase letters, digits, . _ -)', required: true})};
  static override flags = {
    workdir: Flags.string({description: 'the lab directory inside the VM', default: '/root'}),
    'no-engine-wait': Flags.boolean({description: 'return once SSH answers, without waiting for the container engine'}),
  };

  async run(): Promise<{record: VmRecord; booted: boolean; engine: string}> {
    const {args, flags} = await this.parse(VmStart);
    const {startVm} = await import('../../../vm/machine/lifecycle.js');
    const {default: chalk} = await import('chalk');
    const onProgress = (message: string) => {
      if (!this.jsonEnabled()) process.stderr.write(`${chalk.dim(message)}\n`);
    };
    try {
      const started = await startVm(args.name, {workdir: flags.workdir, onProgress, waitForEngine: !flags['no-engine-wait']});
      const {record} = started;
      if (!this.jsonEnabled()) {
        if (!started.booted) this.log(`${record.name} is already running (ssh on 127.0.0.1:${record.sshPort}).`);
        else this.log(`${chalk.green('✓')} ${record.name} ready in ${((record.readyMs ?? 0) / 1000).toFixed(1)}s, engine ${started.engine}${record.engineReadyMs ? ` after ${(record.engineReadyMs / 1000).toFixed(1)}s` : ''}`);
        this.log(`  shell: ${this.config.bin} ssh ${record.name}`);
      }
      if (started.engine === 'failed') process.exitCode = 1;
      return started;
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
  }
}
