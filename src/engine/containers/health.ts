/**
 * HEALTHCHECK and `docker run --health-*`: while a container runs, its check command is run inside it (the OCI
 * runtime's exec, so with the container's own user, environment and namespaces) every interval; the result is
 * State.Health as Docker keeps it — starting, healthy or unhealthy after `retries` failures in a row (failures in
 * the start period do not count), the last five probes with their output — and a health_status event on change.
 */
import {join} from 'node:path';
import type {EventBus} from '../events/event-bus.js';
import type {OciRuntime} from '../runtime/oci-runtime.js';
import type {Logger} from '../util/log.js';
import type {ContainerStore} from './container-store.js';
import type {ContainerRecord, HealthProbe} from '../model/container.js';
import {freshHealth} from './state.js';

/** Docker's HealthConfig: durations in nanoseconds, 0 meaning the default. */
export interface HealthConfig {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}


const SECOND = 1e9;
const defaults = {interval: 30 * SECOND, timeout: 30 * SECOND, retries: 3};
const maxOutput = 4096;
const keptProbes = 5;

/** Docker's merge: the container's own check, its zero fields filled from the image's; none when either says NONE. */
export function mergeHealthcheck(image: HealthConfig | undefined, own: HealthConfig | undefined): HealthConfig | undefined {
  if (!own) return image;
  const merged: HealthConfig = {...own};
  if (!merged.Test || merged.Test.length === 0) merged.Test = image?.Test ?? null;
  for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) if (!merged[key]) merged[key] = image?.[key] ?? 0;
  return merged;
}

/** The command a check runs, or undefined when there is none to run. */
export function checkCommand(check: HealthConfig | undefined): string[] | undefined {
  const test = check?.Test ?? [];
  if (test.length === 0 || test[0] === 'NONE') return undefined;
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test.slice(1).join(' ')];
  if (test[0] === 'CMD') return test.length > 1 ? test.slice(1) : undefined;
  return undefined;
}

/** One probe: the command run in the container; past the timeout its process is killed and the probe fails with -1. */
async function probe(runtime: OciRuntime, stateDir: string, id: string, command: string[], timeoutNs: number): Promise<HealthProbe> {
  const start = new Date().toISOString();
  const pidFile = join(stateDir, `health-${process.hrtime.bigint()}.pid`);
  const result = await runtime.probe(id, command, {pidFile, timeoutMs: timeoutNs / 1e6, maxOutput});
  const end = new Date().toISOString();
  if (result.timedOut) return {Start: start, End: end, ExitCode: -1, Output: `Health check exceeded timeout (${timeoutNs / SECOND}s)`};
  return {Start: start, End: end, ExitCode: result.exitCode, Output: result.output};
}

export class HealthMonitor {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: ContainerStore,
    private readonly events: EventBus,
    private readonly log: Logger,
    private readonly runtime: OciRuntime,
    private readonly stateDir: (id: string) => string,
  ) {}

  /** A container started: if it has a check, it is "starting" and its first probe is one interval away. */
  begin(c: ContainerRecord): void {
    this.end(c.ID);
    const check = c.Config.Healthcheck as HealthConfig | undefined;
    const command = checkCommand(check);
    if (!command) {
      delete c.State.Health;
      return;
    }
    c.State.Health = freshHealth();
    this.schedule(c.ID, command, check!, Date.now());
  }

  /** The container stopped: no more probes. */
  end(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }

  private schedule(id: string, command: string[], check: HealthConfig, startedAt: number): void {
    const health = this.store.find(id)?.State.Health;
    const inStartPeriod = Date.now() - startedAt < (check.StartPeriod ?? 0) / 1e6;
    const interval = (inStartPeriod && health?.Status === 'starting' && check.StartInterval) || check.Interval || defaults.interval;
    this.timers.set(id, setTimeout(() => void this.run(id, command, check, startedAt), interval / 1e6).unref());
  }

  private async run(id: string, command: string[], check: HealthConfig, startedAt: number): Promise<void> {
    const c = this.store.find(id);
    if (!c?.State.Running) return;
    // A paused container cannot answer; its check waits, as dockerd's does.
    if (!c.State.Paused) {
      const result = await probe(this.runtime, this.stateDir(id), id, command, check.Timeout || defaults.timeout);
      const current = this.store.find(id);
      if (!current?.State.Running || !this.timers.has(id)) return;
      this.record(current, result, check, Date.now() - startedAt < (check.StartPeriod ?? 0) / 1e6);
    }
    this.schedule(id, command, check, startedAt);
  }

  private record(c: ContainerRecord, result: HealthProbe, check: HealthConfig, inStartPeriod: boolean): void {
    const state = c.State;
    const health = state.Health ?? freshHealth();
    const before = health.Status;
    health.Log = [...health.Log, result].slice(-keptProbes);
    if (result.ExitCode === 0) {
      health.Status = 'healthy';
      health.FailingStreak = 0;
    } else if (!(inStartPeriod && health.Status === 'starting')) {
      health.FailingStreak++;
      if (health.FailingStreak >= (check.Retries || defaults.retries)) health.Status = 'unhealthy';
    }
    state.Health = health;
    this.store.save(c);
    if (health.Status !== before) {
      this.log.info('health status changed', {id: c.ID.slice(0, 12), status: health.Status});
      this.events.emit('container', `health_status: ${health.Status}`, c.ID, {name: c.Name.slice(1), image: c.Config.Image ?? c.Image});
    }
  }
}
