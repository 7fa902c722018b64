import {Command} from '@oclif/core';
import chalk from 'chalk';
import {execRootFlag} from '../../engine-flags.js';

export default class EngineStatus extends Command {
  static override summary = 'Show whether the container engine is running and where it listens';
  static override enableJsonFlag = true;
  static override flags = {'exec-root': execRootFlag};

  async run() {
    const {flags} = await this.parse(EngineStatus);
    const {readState, alive, locateExecRoot} = await import('../../../engine/control/engine-process.js');
    const execRoot = locateExecRoot(flags['exec-root']);
    const {pingEngine} = await import('../../../engine/control/ping.js');
    const state = readState(execRoot);
    const running = Boolean(state && alive(state.pid));
    const answers = running ? await Promise.all(state!.hosts.map(async (h) => ({host: h, ...(await pingEngine(h))}))) : [];
    const result = {running, pid: running ? state!.pid : null, dataRoot: state?.dataRoot ?? null, hosts: answers, logFile: state?.logFile ?? null, optionsFile: state?.optionsFile ?? null, configFile: state?.configPath ?? null};
    if (!this.jsonEnabled()) {
      if (!running) this.log(`${chalk.red('●')} The engine is not running. Start it with: lab engine start`);
      else {
        this.log(`${chalk.green('●')} Engine running (pid ${state!.pid}) since ${state!.startedAt}`);
        this.log(`  data-root: ${state!.dataRoot}`);
        if (state!.optionsFile) this.log(`  flags from: ${state!.optionsFile}`);
        for (const a of answers) this.log(`  ${a.host}: ${a.ok ? chalk.green(`answers (API ${a.apiVersion})`) : chalk.red(`no answer (${a.error ?? 'error'})`)}`);
        this.log(`  log: ${state!.logFile}`);
      }
    }
    if (!running) process.exitCode = 1;
    return result;
  }
}
