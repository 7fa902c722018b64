/** The runc commands the engine uses besides create (which the shim runs): start, kill, delete, ps, state. */
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';

const exec = promisify(execFile);

/** runc answers in well under a second, even emulated; one that does not is killed so no API call hangs on it. */
const RUNC_TIMEOUT_MS = 60_000;

export class Runc {
  constructor(
    readonly root: string,
    readonly binary = 'runc',
  ) {}

  private async run(args: string[]): Promise<string> {
    try {
      const {stdout} = await exec(this.binary, ['--root', this.root, ...args], {maxBuffer: 16 * 1024 * 1024, timeout: RUNC_TIMEOUT_MS, killSignal: 'SIGKILL'});
      return stdout;
    } catch (error) {
      const e = error as {stderr?: string; message: string; killed?: boolean; signal?: string};
      if (e.killed && e.signal === 'SIGKILL') throw new Error(`runc ${args[0]} did not finish within ${RUNC_TIMEOUT_MS / 1000}s`);
      const text = (e.stderr ?? '').trim().split('\n').pop() || e.message;
      throw new Error(text.replace(/^time="[^"]*" level=error msg="(.*)"$/, '$1'));
    }
  }

  start(id: string): Promise<string> {
    return this.run(['start', id]);
  }

  /** The cgroup freezer: every process of the container stops where it is (`docker pause`). */
  pause(id: string): Promise<string> {
    return this.run(['pause', id]);
  }

  resume(id: string): Promise<string> {
    return this.run(['resume', id]);
  }

  /** New cgroup limits for a running container, from a linux.resources JSON file. */
  update(id: string, resourcesFile: string): Promise<string> {
    return this.run(['update', '--resources', resourcesFile, id]);
  }

  kill(id: string, signal: string | number, all = false): Promise<string> {
    return this.run(['kill', ...(all ? ['--all'] : []), id, String(signal)]);
  }

  async delete(id: string, force = false): Promise<void> {
    await this.run(['delete', ...(force ? ['--force'] : []), id]).catch((error: Error) => {
      if (!/does not exist|not exist/.test(error.message)) throw error;
    });
  }

  async pids(id: string): Promise<number[]> {
    const out = await this.run(['ps', '--format', 'json', id]);
    return (JSON.parse(out) as number[] | null) ?? [];
  }

  async state(id: string): Promise<{status: string; pid: number} | undefined> {
    try {
      return JSON.parse(await this.run(['state', id])) as {status: string; pid: number};
    } catch {
      return undefined;
    }
  }
}
