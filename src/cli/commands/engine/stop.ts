import {Command} from '@oclif/core';
import {execRootFlag} from '../../engine-flags.js';

export default class EngineStop extends Command {
  static override summary = 'Stop the container engine';
  static override enableJsonFlag = true;
  static override flags = {'exec-root': execRootFlag};

  async run() {
    const {flags} = await this.parse(EngineStop);
    const {stopEngineProcess, locateExecRoot} = await import('../../../engine/control/engine-process.js');
    const execRoot = locateExecRoot(flags['exec-root']);
    const state = await stopEngineProcess(execRoot);
    if (!this.jsonEnabled()) this.log(state ? `Engine stopped (pid ${state.pid}).` : 'The engine was not running.');
    return {stopped: Boolean(state), pid: state?.pid ?? null};
  }
}
