import {Command} from '@oclif/core';
import {classTable, isUserError, rosterFlag} from '../../class-vm-flags.js';

export default class ClassStatus extends Command {
  static override summary = "Where each student's lab VM runs, its state, and how to reach it over SSH";
  static override description = 'Asks each VM\'s libvirt host for its domain state. With --json, each VM also carries the known_hosts line that pins its host key, for the student\'s ~/.ssh/known_hosts.';
  static override examples = ['<%= config.bin %> class status', '<%= config.bin %> class status --json'];
  static override enableJsonFlag = true;
  static override flags = {...rosterFlag};

  async run() {
    const {flags} = await this.parse(ClassStatus);
    const {loadRoster} = await import('../../../lab/roster/store.js');
    const {classStatus} = await import('../../../lab/class-vms/class-vms.js');
    try {
      const vms = await classStatus(loadRoster(flags.roster));
      if (!this.jsonEnabled()) this.log(classTable(vms));
      return {vms};
    } catch (error) {
      if (isUserError(error)) this.error((error as Error).message, {exit: 1});
      throw error;
    }
  }
}
