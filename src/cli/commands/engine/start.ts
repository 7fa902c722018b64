import {Command} from '@oclif/core';
import chalk from 'chalk';
import {engineFlags} from '../../engine-flags.js';

export default class EngineStart extends Command {
  static override summary = 'Start the container engine in the background';
  static override description = `Starts labd, the lab's container engine, which the ordinary docker CLI talks to.
By default it uses Docker's own places (/var/lib/docker, /var/run/docker.sock), so course material reads true.`;
  static override examples = ['<%= config.bin %> engine start', '<%= config.bin %> engine start --data-root /tmp/engine --exec-root /tmp/engine-run -H unix:///tmp/engine-run/docker.sock'];
  static override enableJsonFlag = true;
  static override flags = engineFlags;

  async run() {
    const {flags} = await this.parse(EngineStart);
    const {startEngineProcess, dockerEnv} = await import('../../../engine/control/engine-process.js');
    if (process.getuid?.() !== 0) this.error('the engine needs root (it mounts filesystems and creates namespaces): run it with sudo', {exit: 1});
    try {
      const state = await startEngineProcess({
        dataRoot: flags['data-root'],
        execRoot: flags['exec-root'],
        hosts: flags.host ?? [],
        configFile: flags['config-file'],
        logLevel: flags['log-level'],
        optionsFile: flags['options-file'],
      });
      const env = dockerEnv(state);
      if (!this.jsonEnabled()) {
        this.log(`${chalk.green('✓')} Engine running (pid ${state.pid}), data in ${state.dataRoot}, log in ${state.logFile}`);
        this.log('Point the docker CLI at it with:');
        for (const [k, v] of Object.entries(env)) this.log(`  export ${k}=${v}`);
      }
      return {...state, env};
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
  }
}
