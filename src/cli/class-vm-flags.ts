/** Flags and helpers shared by `lab class start|status|stop|destroy`: the roster, the hosts, a results table. */
import {type Command, Flags} from '@oclif/core';
import type {ClassVm} from '../lab/class-vms/class-vms.js';
import {renderTable} from './ui/table.js';

export const rosterFlag = {roster: Flags.string({description: 'the roster (lab class import writes it)', default: 'roster.json'})};
export const hostsFlag = {hosts: Flags.string({description: 'the libvirt hosts file (default $LAB_HOSTS, else lab-hosts.json)'})};

export function classTable(vms: ClassVm[]): string {
  return renderTable(
    ['STUDENT', 'VM', 'HOST', 'STATE', 'SSH'],
    vms.map((v) => [v.student, v.vm, v.host ?? '-', v.error ? `${v.state}: ${v.error}` : v.state, v.ssh ? `ssh -p ${v.ssh.port} root@${v.ssh.address}` : '-']),
    [24, 40, 16, 60],
  );
}

/** Errors the teacher can fix (a bad roster or hosts file, a host that does not answer) as one message. */
export function isUserError(error: unknown): boolean {
  const name = (error as Error).name;
  return name === 'RosterError' || name === 'HostsFileError' || name === 'VirshError';
}

/** `lab class stop` and `lab class destroy`: the same walk over the roster's VMs, with a bar, a table and the exit code. */
export async function endClassCommand(cmd: Command, roster: string, how: 'stop' | 'destroy'): Promise<{vms: ClassVm[]}> {
  const {loadRoster} = await import('../lab/roster/store.js');
  const {endClass} = await import('../lab/class-vms/class-vms.js');
  const {progressReporter} = await import('./ui/progress-bar.js');
  try {
    const bar = progressReporter();
    const vms = await endClass(loadRoster(roster), how, (done, total, item, ok, detail) => bar.update(done, total, item, ok, detail));
    if (!cmd.jsonEnabled()) cmd.log(classTable(vms));
    if (vms.some((v) => v.state === 'failed')) process.exitCode = 1;
    return {vms};
  } catch (error) {
    if (isUserError(error)) cmd.error((error as Error).message, {exit: 1});
    throw error;
  }
}
