/**
 * The default provider: a disposable VM per lab, booted from the image `lab vm build` makes, reached over SSH with
 * keys generated for that VM alone. The VM outlives the command that started it, so `lab check` and `lab ssh`
 * reconnect to it by name.
 */
import type {VmImage} from '../../vm/build/index.js';
import {awaitVmEngine, connectVm, destroyVm, startVm, stopVm} from '../../vm/machine/lifecycle.js';
import {readVmRecord, type VmRecord, vmState} from '../../vm/record.js';
import {SshEnvironment} from '../../vm/ssh/environment.js';
import type {Environment} from '../../environment/environment.js';
import type {Provider, ProviderStartOptions, StopOutcome} from './provider.js';

const ENGINE_LOGS = ['/var/log/lab-engine-start.log', '/var/run/docker/labd.log'];

export interface QemuProviderOptions {
  /** Boot new VMs from this image instead of building (or taking from the cache) the current one. */
  image?: VmImage;
  /** Return as soon as SSH works instead of waiting for the engine (default: wait). */
  skipEngineWait?: boolean;
  /** Boot new VMs even when the image has a warm state to resume from (default: resume). */
  boot?: boolean;
}

export class QemuProvider implements Provider {
  readonly kind = 'qemu' as const;

  constructor(private readonly options: QemuProviderOptions = {}) {}

  async start(opts: ProviderStartOptions): Promise<Environment> {
    // SSH answers seconds before the engine does: the work that needs no engine is done meanwhile.
    const started = await startVm(opts.name, {workdir: opts.workdir, onProgress: opts.onProgress, image: this.options.image, waitForEngine: false, ...(this.options.boot ? {resume: false} : {})});
    const env = await this.open(started.record, opts.workdir);
    try {
      const made = await env.exec(['mkdir', '-p', '--', opts.workdir]);
      if (made.code !== 0) throw new Error(`cannot create ${opts.workdir} in VM ${opts.name}: ${made.stderr.trim()}`);
      const engine = this.options.skipEngineWait ? Promise.resolve('not waited' as const) : awaitVmEngine(started.record, started.booted);
      // Started, not awaited: the lab's start awaits it itself while it works with the engine.
      void opts.beforeEngine?.(env).catch(() => undefined);
      const state = await engine;
      if (state === 'failed') {
        const why = await this.engineLogs(started.record);
        throw new Error(`the container engine in VM ${opts.name} did not start${why ? `:\n${why}` : ''}\nThe VM keeps running; its full logs: lab ssh ${opts.name} -- cat ${ENGINE_LOGS.join(' ')}`);
      }
      env.engineReady = state === 'ready';
      return env;
    } catch (error) {
      await env.close();
      throw error;
    }
  }

  async connect(name: string, workdir?: string): Promise<Environment | undefined> {
    const record = await readVmRecord(name);
    if (!record || (await vmState(record)) !== 'running') return undefined;
    return this.open(record, workdir ?? record.workdir);
  }

  async stop(name: string): Promise<StopOutcome> {
    return stopVm(name);
  }

  async destroy(name: string): Promise<boolean> {
    return destroyVm(name);
  }

  /** The last lines the engine's starter and the daemon wrote, to say why a start failed; empty if unreadable. */
  private async engineLogs(record: VmRecord): Promise<string> {
    try {
      const env = await this.open(record, record.workdir);
      try {
        const r = await env.exec(['tail', '-n', '8', ...ENGINE_LOGS], {timeoutMs: 30_000});
        return r.stdout.trim();
      } finally {
        await env.close();
      }
    } catch {
      return '';
    }
  }

  private async open(record: VmRecord, workdir: string): Promise<SshEnvironment> {
    return new SshEnvironment({provider: 'qemu', id: record.name, workdir, connection: await connectVm(record)});
  }
}
