import {Command} from '@oclif/core';
import {classTable, isUserError, rosterFlag} from '../../class-vm-flags.js';

export default class ClassStop extends Command {
  static override summary = "Power off every student's lab VM, keeping its disk (lab class start boots it again)";
  static override examples = ['<%= config.bin %> class stop', '<%= config.bin %> class stop --roster course/roster.json'];
  static override enableJsonFlag = true;
  static override flags = {...rosterFlag};

  async run() {
    const {flags} = await this.parse(ClassStop);
    const {loadRoster} = await import('../../../lab/roster/store.js');
    const {endClass} = await import('../../../lab/class-vms/class-vms.js');
    const {progressReporter} = await import('../../ui/progress-bar.js');
    try {
      const bar = progressReporter();
      const vms = await endClass(loadRoster(flags.roster), 'stop', (done, total, item, ok, detail) => bar.update(done, total, item, ok, detail));
      if (!this.jsonEnabled()) this.log(classTable(vms));
      if (vms.some((v) => v.state === 'failed')) process.exitCode = 1;
      return {vms};
    } catch (error) {
      if (isUserError(error)) this.error((error as Error).message, {exit: 1});
      throw error;
    }
  }
}
