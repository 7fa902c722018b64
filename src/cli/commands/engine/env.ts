import {Command} from '@oclif/core';
import {execRootFlag} from '../../engine-flags.js';

export default class EngineEnv extends Command {
  static override summary = 'Print the environment that points the docker CLI at the engine';
  static override description = 'Use it as: eval "$(lab engine env)"';
  static override enableJsonFlag = true;
  static override flags = {'exec-root': execRootFlag};

  async run() {
    const {flags} = await this.parse(EngineEnv);
    const {readState, alive, dockerEnv, locateExecRoot} = await import('../../../engine/control/engine-process.js');
    const execRoot = locateExecRoot(flags['exec-root']);
    const state = readState(execRoot);
    if (!state || !alive(state.pid)) this.error('the engine is not running; start it with: lab engine start', {exit: 1});
    const env = dockerEnv(state);
    if (!this.jsonEnabled()) for (const [k, v] of Object.entries(env)) this.log(`export ${k}=${v}`);
    return env;
  }
}
