import {Command} from '@oclif/core';
import {classTable, isUserError, rosterFlag} from '../../class-vm-flags.js';

export default class ClassDestroy extends Command {
  static override summary = "Destroy every student's lab VM: its domain, disk and initramfs on the host, and its keys here";
  static override examples = ['<%= config.bin %> class destroy', '<%= config.bin %> class destroy --roster course/roster.json'];
  static override enableJsonFlag = true;
  static override flags = {...rosterFlag};

  async run() {
    const {flags} = await this.parse(ClassDestroy);
    const {loadRoster} = await import('../../../lab/roster/store.js');
    const {endClass} = await import('../../../lab/class-vms/class-vms.js');
    const {progressReporter} = await import('../../ui/progress-bar.js');
    try {
      const bar = progressReporter();
      const vms = await endClass(loadRoster(flags.roster), 'destroy', (done, total, item, ok, detail) => bar.update(done, total, item, ok, detail));
      if (!this.jsonEnabled()) this.log(classTable(vms));
      if (vms.some((v) => v.state === 'failed')) process.exitCode = 1;
      return {vms};
    } catch (error) {
      if (isUserError(error)) this.error((error as Error).message, {exit: 1});
      throw error;
    }
  }
}
