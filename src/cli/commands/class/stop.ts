import {Command} from '@oclif/core';
import {endClassCommand, rosterFlag} from '../../class-vm-flags.js';

export default class ClassStop extends Command {
  static override summary = "Power off every student's lab VM, keeping its disk (lab class start boots it again)";
  static override examples = ['<%= config.bin %> class stop', '<%= config.bin %> class stop --roster course/roster.json'];
  static override enableJsonFlag = true;
  static override flags = {...rosterFlag};

  async run() {
    const {flags} = await this.parse(ClassStop);
    return endClassCommand(this, flags.roster, 'stop');
  }
}
