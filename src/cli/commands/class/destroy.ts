import {Command} from '@oclif/core';
import {endClassCommand, rosterFlag} from '../../class-vm-flags.js';

export default class ClassDestroy extends Command {
  static override summary = "Destroy every student's lab VM: its domain, disk and initramfs on the host, and its keys here";
  static override examples = ['<%= config.bin %> class destroy', '<%= config.bin %> class destroy --roster course/roster.json'];
  static override enableJsonFlag = true;
  static override flags = {...rosterFlag};

  async run() {
    const {flags} = await this.parse(ClassDestroy);
    return endClassCommand(this, flags.roster, 'destroy');
  }
}
