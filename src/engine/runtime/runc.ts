/**
 * The OCI runtime as runc: create and exec through a shim (which stays the process's parent), the rest as
 * runc's own commands under the engine's --root.
 */
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import type {ContainerProcess, ExecProcess, OciRuntime, ProbeOptions, ProbeResult, RuntimeState} from './oci-runtime.js';
import {runcProbe} from './runc-probe.js';
import {RuntimeError} from './runtime-error.js';
import {readExit, startShim, waitShim, type ExitInfo, type ShimHandle} from './shim-client.js';

const exec = promisify(execFile);

/** runc answers in well under a second, even emulated; one that does not is killed so no API call hangs on it. */
const RUNC_TIMEOUT_MS = 60_000;

export class Runc implements OciRuntime {
  constructor(
    readonly root: string,
    readonly binary = 'runc',
  ) {}

  private async run(args: string[], input?: string): Promise<string> {
    try {
      const running = exec(this.binary, ['--root', this.root, ...args], {maxBuffer: 16 * 1024 * 1024, timeout: RUNC_TIMEOUT_MS, killSignal: 'SIGKILL'});
      if (input !== undefined) running.child.stdin?.end(input);
      const {stdout} = await running;
      return stdout;
    } catch (error) {
      const e = error as {stderr?: string; message: string; killed?: boolean; signal?: string};
      if (e.killed && e.signal === 'SIGKILL') throw new RuntimeError(`runc ${args[0]} did not finish within ${RUNC_TIMEOUT_MS / 1000}s`, 'other');
      const text = (e.stderr ?? '').trim().split('\n').pop() || e.message;
      throw new RuntimeError(text.replace(/^time="[^"]*" level=error msg="(.*)"$/, '$1'));
    }
  }

  create(process: ContainerProcess): Promise<ShimHandle> {
    return startShim({...process, runtime: this.binary, runtimeRoot: this.root});
  }

  async start(id: string): Promise<void> {
    await this.run(['start', id]);
  }

  exec(process: ExecProcess): Promise<ShimHandle> {
    return startShim({...process, runtime: this.binary, runtimeRoot: this.root});
  }

  probe(id: string, args: string[], opts: ProbeOptions): Promise<ProbeResult> {
    return runcProbe(this.binary, this.root, id, args, opts);
  }

  async kill(id: string, signal: number, all = false): Promise<void> {
    await this.run(['kill', ...(all ? ['--all'] : []), id, String(signal)]);
  }

  async pause(id: string): Promise<void> {
    await this.run(['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.run(['resume', id]);
  }

  async update(id: string, resources: object): Promise<void> {
    await this.run(['update', '--resources', '-', id], JSON.stringify(resources));
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    try {
      return JSON.parse(await this.run(['state', id])) as RuntimeState;
    } catch {
      return undefined;
    }
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

  waitExit(stateDir: string): Promise<ExitInfo> {
    return waitShim(stateDir);
  }

  recordedExit(stateDir: string): ExitInfo | undefined {
    return readExit(stateDir);
  }
}
