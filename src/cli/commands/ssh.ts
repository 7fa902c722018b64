import {Args, Command} from '@oclif/core';

export default class Ssh extends Command {
  static override summary = 'Open a shell in a lab VM (or on the SSH host of the current lab)';
  static override description = `An interactive shell (a real terminal) as root in the lab's environment: NAME is a lab (26), its
environment (lab26) or a VM this machine runs, with the qemu or the libvirt provider; by default the current
lab's VM or SSH host, else the only running VM, else the one started last. Words after -- run as a command
instead, through the remote shell as ssh(1) runs them (so 'lab ssh -- "readlink /proc/1/ns/pid"' and
'lab ssh -- readlink /proc/1/ns/pid' are the same), and the exit code is the command's. Piped input goes to
the remote shell without a terminal, as with ssh(1).`;
  static override examples = ['<%= config.bin %> ssh', '<%= config.bin %> ssh lab26', '<%= config.bin %> ssh lab26 -- docker ps'];
  static override strict = false;
  // ignoreStdin: input piped into `lab ssh` is for the remote shell, not the VM name.
  static override args = {name: Args.string({description: 'lab, environment or VM name (default: the current lab\'s, else the only or most recent VM)', ignoreStdin: true})};

  async run(): Promise<void> {
    const {args, argv} = await this.parse(Ssh);
    const {findEnvironment, openEnvironment} = await import('../../lab/app/find-environment.js');
    // `lab ssh -- CMD`: everything after a leading -- is the command, not a name.
    const dashes = this.argv.indexOf('--');
    const name = dashes === 0 ? undefined : args.name;
    const words = dashes >= 0 ? this.argv.slice(dashes + 1) : (argv as string[]).slice(name ? 1 : 0);
    const ref = await findEnvironment(name).catch((error: Error) => this.error(error.message, {exit: 1}));
    if (!ref) this.error(name ? `there is no lab or VM named ${name} here (lab vm ls lists the VMs)` : 'there is no VM; start a lab with: lab start 26', {exit: 1});
    const env = await openEnvironment(ref, (m) => process.stderr.write(`› ${m}\n`)).catch((error: Error) => this.error(error.message, {exit: 1}));
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
