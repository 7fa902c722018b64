import {Command, Flags} from '@oclif/core';

export default class RegistryStatus extends Command {
  static override summary = 'Whether the course registry runs, and where';
  static override enableJsonFlag = true;
  static override flags = {
    dir: Flags.string({description: 'where the registry keeps its config, storage and state', helpValue: 'DIR'}),
  };

  async run(): Promise<{running: boolean; url?: string; pid?: number}> {
    const {flags} = await this.parse(RegistryStatus);
    const {registryStatus} = await import('../../../lab/registry/index.js');
    const state = await registryStatus(flags.dir);
    if (!this.jsonEnabled()) this.log(state ? `course registry running on ${state.url} (pid ${state.pid})` : 'the course registry is not running');
    return state ? {running: true, url: state.url, pid: state.pid} : {running: false};
  }
}
