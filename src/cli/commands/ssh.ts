import {Args, Command} from '@oclif/core';

export default class Ssh extends Command {
  static override summary = 'Open a shell in a lab VM (or on the SSH host of the current lab)';
  static override description = `An interactive shell (a real terminal) as root in the VM NAME: by default the only running VM, else the one
started last. Words after -- run as a command instead, through the remote shell as ssh(1) runs them (so
'lab ssh -- "readlink /proc/1/ns/pid"' and 'lab ssh -- readlink /proc/1/ns/pid' are the same), and the exit code
is the command's. Piped input goes to
the remote shell without a terminal, as with ssh(1).`;
  static override examples = ['<%= config.bin %> ssh', '<%= config.bin %> ssh lab26', '<%= config.bin %> ssh lab26 -- docker ps'];
  static override strict = false;
  // ignoreStdin: input piped into `lab ssh` is for the remote shell, not the VM name.
  static override args = {name: Args.string({description: 'VM name (default: the only or most recent VM)', ignoreStdin: true})};

  async run(): Promise<void> {
    const {args, argv} = await this.parse(Ssh);
    const {defaultVmName} = await import('../../vm/machine/lifecycle.js');
    const {QemuProvider} = await import('../../lab/providers/qemu.js');
    // `lab ssh -- CMD`: everything after a leading -- is the command, not a VM name.
    const dashes = this.argv.indexOf('--');
    const vmName = dashes === 0 ? undefined : args.name;
    const words = dashes >= 0 ? this.argv.slice(dashes + 1) : (argv as string[]).slice(vmName ? 1 : 0);
    // A lab on an existing machine (--provider ssh): its shell is on that machine.
    let sessionVm: string | undefined;
    if (!vmName) {
      const {loadSession} = await import('../../lab/session/session.js');
      let session;
      try {
        session = loadSession();
      } catch {
        session = undefined;
      }
      if (session?.provider === 'ssh' && session.ssh) {
        const {SshProvider} = await import('../../lab/providers/ssh.js');
        const env = await new SshProvider(session.ssh).connect(session.envName).catch((error: Error) => this.error(error.message, {exit: 1}));
        try {
          process.exitCode = await env!.shell(words.length > 0 ? {command: remoteCommand(words)} : {});
        } finally {
          await env!.close();
        }
        return;
      }
      if (session?.provider === 'qemu') sessionVm = session.envName;
    }
    const name = vmName ?? sessionVm ?? (await defaultVmName());
    if (!name) this.error('there is no VM; start one with: lab vm start NAME', {exit: 1});
    const provider = new QemuProvider();
    let env = await provider.connect(name).catch((error: Error) => this.error(error.message, {exit: 1}));
    if (!env) {
      // A VM powered off with `lab stop` comes back with its disk as it was.
      const {readVmRecord} = await import('../../vm/record.js');
      const record = await readVmRecord(name);
      if (!record) this.error(`there is no VM named ${name} (lab vm ls lists them)`, {exit: 1});
      env = await provider
        .start({name, workdir: record.workdir, onProgress: (m) => process.stderr.write(`› ${m}\n`)})
        .catch((error: Error) => this.error(error.message, {exit: 1}));
    }
    try {
      process.exitCode = await env.shell(words.length > 0 ? {command: remoteCommand(words)} : {});
    } finally {
      await env.close();
    }
  }
}

/** As ssh(1): the words joined with spaces, for the remote shell to parse (quotes typed locally are already gone). */
export function remoteCommand(words: string[]): string {
  return words.join(' ');
}
