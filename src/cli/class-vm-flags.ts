/** Flags and helpers shared by `lab class start|status|stop|destroy`: the roster, the hosts, a results table. */
import {Flags} from '@oclif/core';
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
