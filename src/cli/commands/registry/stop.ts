import {Command, Flags} from '@oclif/core';

export default class RegistryStop extends Command {
  static override summary = 'Stop the course registry (its images stay stored)';
  static override enableJsonFlag = true;
  static override flags = {
    dir: Flags.string({description: 'where the registry keeps its config, storage and state', helpValue: 'DIR'}),
  };

  async run(): Promise<{stopped: boolean}> {
    const {flags} = await this.parse(RegistryStop);
    const {stopRegistry} = await import('../../../lab/registry/index.js');
    const stopped = await stopRegistry(flags.dir);
    if (!this.jsonEnabled()) this.log(stopped ? 'course registry stopped' : 'the course registry was not running');
    return {stopped};
  }
}
