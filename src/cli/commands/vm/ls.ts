import {Command, Flags} from '@oclif/core';
import type {VmListing} from '../../../vm/machine/lifecycle.js';

export default class VmLs extends Command {
  static override summary = 'List the lab VMs of this user';
  static override description = `Shows each VM's state (running, stopped, or stale: left by a crash, its qemu gone), SSH port and the disk
space its copy-on-write overlay takes. Clean a stale VM with \`lab vm destroy NAME\` (or all of them with --stale).`;
  static override examples = ['<%= config.bin %> vm ls', '<%= config.bin %> vm ls --stale', '<%= config.bin %> vm ls --json'];
  static override enableJsonFlag = true;
  static override flags = {
    stale: Flags.boolean({description: 'only VMs left by a crash (their qemu is gone or is another process)'}),
  };

  async run(): Promise<VmListing[]> {
    const {flags} = await this.parse(VmLs);
    const {listVms} = await import('../../../vm/machine/lifecycle.js');
    const vms = (await listVms()).filter((v) => !flags.stale || v.state === 'stale');
    if (!this.jsonEnabled()) {
      if (vms.length === 0) {
        this.log(flags.stale ? 'No stale VMs.' : 'No VMs. Start one with: lab vm start NAME');
      } else {
        const rows = [['NAME', 'STATE', 'PID', 'SSH', 'DISK', 'STARTED'], ...vms.map((v) => [
          v.record.name,
          v.state,
          v.state === 'running' || v.state === 'starting' ? String(v.record.pid) : '-',
          v.state === 'running' ? `127.0.0.1:${v.record.sshPort}` : '-',
          `${(v.diskBytes / 1048576).toFixed(1)} MiB`,
          v.record.startedAt ?? '-',
        ])];
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
        for (const row of rows) this.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
      }
    }
    return vms;
  }
}
