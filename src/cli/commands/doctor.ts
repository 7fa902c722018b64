import {Command, Flags, ux} from '@oclif/core';
import chalk from 'chalk';
import {providerFlags, sshTargetFromFlags} from '../provider-flags.js';
import {renderTable} from '../ui/table.js';
import type {CheckResult, DoctorReport} from '../../lab/doctor/types.js';

export default class Doctor extends Command {
  static override summary = 'Check that this machine has everything the labs and the engine need';
  static override description = `Checks each prerequisite for real (it mounts a test overlay, creates namespaces, links a static binary,
tells whether KVM really works) and prints what is there, what is missing and the command that fixes it.
With --fix, installs the missing Debian packages (needs root) and builds the engine's helpers if they are missing.
With --dev, also the packages only the tests need (as CI installs them). The list is system-packages.json.
The exit code is 0 only when everything needed is there.`;
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --fix',
    '<%= config.bin %> doctor --fix --dev   # also what the tests need',
    '<%= config.bin %> doctor --json',
    '<%= config.bin %> doctor --provider ssh --host student@lab.example.org --key ~/.ssh/id_ed25519   # the remote machine',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    fix: Flags.boolean({description: 'install the missing Debian packages with apt-get (root only)'}),
    dev: Flags.boolean({description: 'also the packages only the tests need (tmux, cpio, ...), as CI installs them'}),
    'lab-machine': Flags.boolean({description: 'only what a machine needs to run labs on (the default inside the lab VM), not what builds VMs'}),
    ...providerFlags,
  };

  async run(): Promise<DoctorReport> {
    const {flags} = await this.parse(Doctor);
    const {insideLabVm, runChecks, isReady, selectPrerequisites} = await import('../../lab/doctor/checks.js');
    if (flags.provider === 'ssh') return this.remote(flags);
    const scope = flags['lab-machine'] || insideLabVm() ? 'lab-machine' : 'all';
    const opts = {dev: flags.dev};
    let checks = runChecks(scope, opts);

    if (flags.fix) {
      const packages = [...new Set(checks.filter((c) => c.status === 'missing').flatMap((c) => c.packages))];
      if (packages.length > 0) {
        await this.install(packages);
        checks = runChecks(scope, opts);
      }
      // What no package fixes but doctor can (the engine's helpers, once gcc is in).
      const missing = new Set(checks.filter((c) => c.status === 'missing').map((c) => c.id));
      const repairs = selectPrerequisites(scope, opts).filter((p) => p.repair && missing.has(p.id));
      for (const p of repairs) await this.repair(p.repair!);
      if (repairs.length > 0) checks = runChecks(scope, opts);
      if (packages.length === 0 && repairs.length === 0 && !this.jsonEnabled()) this.log('Nothing to install.');
    }

    const report: DoctorReport = {ready: isReady(checks), checks};
    if (!this.jsonEnabled()) this.print(report);
    if (!report.ready) process.exitCode = 1;
    return report;
  }

  private async remote(flags: Parameters<typeof sshTargetFromFlags>[0] & {fix?: boolean}): Promise<DoctorReport> {
    if (flags.fix) this.error('--fix installs packages on this machine; on an SSH host, run lab doctor --fix there', {exit: 2});
    let report: DoctorReport;
    try {
      const {SshProvider} = await import('../../lab/providers/ssh.js');
      const {remoteDoctor} = await import('../../lab/doctor/remote.js');
      const target = sshTargetFromFlags(flags)!;
      const env = await new SshProvider(target).connect(`${target.user}@${target.host}`);
      if (!env) throw new Error(`cannot reach ${target.host}`);
      try {
        report = await remoteDoctor(env);
      } finally {
        await env.close();
      }
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
    if (!this.jsonEnabled()) this.print(report);
    if (!report.ready) process.exitCode = 1;
    return report;
  }

  private async install(packages: string[]): Promise<void> {
    const {isRoot} = await import('../../lab/doctor/probes.js');
    if (!isRoot()) this.error(`--fix installs Debian packages and needs root. Run: sudo apt-get install -y ${packages.join(' ')}`, {exit: 1});
    const {installPackages} = await import('../../lab/doctor/fix.js');
    // Progress goes to stderr so --json output on stdout stays clean.
    const tty = Boolean(process.stderr.isTTY);
    ux.action.start(`Installing ${packages.join(', ')}`, 'starting', {stdout: false});
    let lastStep = -1;
    try {
      await installPackages(packages, (p) => {
        if (tty) {
          ux.action.status = `${p.percent}% ${p.message}`;
          return;
        }
        // Logs (CI, pipes) get one line per 10% instead of a rewritten status line.
        const step = Math.floor(p.percent / 10);
        if (step !== lastStep) process.stderr.write(`  ${p.percent}% ${p.message}\n`);
        lastStep = step;
      });
      ux.action.stop(chalk.green('done'));
    } catch (error) {
      ux.action.stop(chalk.red('failed'));
      this.error((error as Error).message, {exit: 1});
    }
  }

  private async repair(repair: {describe: string; run(): Promise<void>}): Promise<void> {
    ux.action.start(repair.describe, undefined, {stdout: false});
    try {
      await repair.run();
      ux.action.stop(chalk.green('done'));
    } catch (error) {
      ux.action.stop(chalk.red('failed'));
      this.error((error as Error).message, {exit: 1});
    }
  }

  private print(report: DoctorReport): void {
    const mark = (c: CheckResult) => (c.status === 'ok' ? chalk.green('✓ ok') : c.status === 'warn' ? chalk.yellow('! warn') : chalk.red('✗ missing'));
    const rows = report.checks.map((c) => [c.name, mark(c), c.detail, c.fix ? chalk.cyan(c.fix) : '']);
    this.log(renderTable(['PREREQUISITE', 'STATUS', 'FOUND', 'FIX'], rows, [28, 10, 60, 60]));
    this.log('');
    const missing = report.checks.filter((c) => c.status === 'missing');
    if (report.ready) {
      this.log(chalk.green('Ready: this machine can run the labs.'));
    } else {
      this.log(chalk.red(`Not ready: ${missing.length} missing (${missing.map((c) => c.name).join(', ')}).`));
      const packages = [...new Set(missing.flatMap((c) => c.packages))];
      if (packages.length > 0) this.log(`Fix: ${chalk.cyan(`sudo apt-get install -y ${packages.join(' ')}`)}  or  ${chalk.cyan('sudo lab doctor --fix')}`);
    }
  }
}
