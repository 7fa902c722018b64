import {Command, Flags} from '@oclif/core';
import chalk from 'chalk';
import {execRootFlag} from '../../engine-flags.js';

export default class EngineRestart extends Command {
  static override summary = 'Restart the container engine, re-reading its options file and daemon.json';
  static override description = `Stops the engine and starts it again the way it was started: the flags in its service options file
(DOCKER_OPTS in /etc/default/docker, when it was started with --options-file) and daemon.json are read anew.
This is what systemctl restart docker does for dockerd. When the daemon refuses the new configuration it stays
stopped and the reason is shown.`;
  static override examples = ['<%= config.bin %> engine restart'];
  static override enableJsonFlag = true;
  static override flags = {
    'exec-root': execRootFlag,
    'options-file': Flags.string({description: 'start from this service options file\'s DOCKER_OPTS alone (default: the way the engine was last started)'}),
  };

  async run() {
    const {flags} = await this.parse(EngineRestart);
    const {locateExecRoot} = await import('../../../engine/control/engine-process.js');
    const {restartEngineProcess} = await import('../../../engine/control/engine-restart.js');
    if (process.getuid?.() !== 0) this.error('the engine needs root: run it with sudo', {exit: 1});
    const execRoot = locateExecRoot(flags['exec-root']);
    try {
      const {stopped, started} = await restartEngineProcess(execRoot, flags['options-file']);
      if (!this.jsonEnabled()) {
        this.log(stopped ? `Engine stopped (pid ${stopped.pid}).` : 'The engine was not running.');
        this.log(`${chalk.green('✓')} Engine running (pid ${started.pid}), listening on ${started.hosts.join(', ')}`);
        if (started.optionsFile) this.log(`  flags from ${started.optionsFile}; configuration from ${started.configPath ?? started.configFile}`);
      }
      return {restarted: true, pid: started.pid, hosts: started.hosts, optionsFile: started.optionsFile ?? null};
    } catch (error) {
      // The daemon's reason is multi-line and quotes the files: shown as written, not re-wrapped.
      if (this.jsonEnabled()) this.error((error as Error).message, {exit: 1});
      process.stderr.write(`${chalk.red('✗')} ${(error as Error).message}\n`);
      this.exit(1);
    }
  }
}
