/**
 * `--restart no|always|unless-stopped|on-failure[:N]`: whether a container that ended is started again, with
 * dockerd's rules — a container stopped or killed by hand stays down; at daemon start `always` comes back even
 * then, `unless-stopped` only if it was not stopped by hand — and dockerd's back-off: 100 ms, doubled at each
 * quick exit up to a minute, back to 100 ms once a run lasted 10 s.
 */
import {invalidArgument} from '../errors.js';
import type {ContainerRecord, HostConfig} from '../model/container.js';

const names = ['no', 'always', 'unless-stopped', 'on-failure'];

export function checkRestartPolicy(h: HostConfig): void {
  const p = h.RestartPolicy;
  if (!p || !p.Name) return;
  if (!names.includes(p.Name)) throw invalidArgument(`invalid restart policy '${p.Name}'`);
  const max = p.MaximumRetryCount ?? 0;
  if (!Number.isInteger(max) || max < 0) throw invalidArgument('invalid restart policy: maximum retry count must be a positive integer');
  if (max > 0 && p.Name !== 'on-failure') throw invalidArgument(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  if (p.Name !== 'no' && h.AutoRemove) throw invalidArgument(`can't create 'AutoRemove' container with restart policy`);
}

/** After an exit with `code`: start it again? */
export function shouldRestart(c: ContainerRecord, code: number): boolean {
  const p = c.HostConfig.RestartPolicy;
  if (!p || c.HasBeenManuallyStopped) return false;
  if (p.Name === 'always' || p.Name === 'unless-stopped') return true;
  if (p.Name === 'on-failure') return code !== 0 && (!p.MaximumRetryCount || c.RestartCount < p.MaximumRetryCount);
  return false;
}

/** At daemon start, for a container that is not running: start it? */
export function startsWithDaemon(c: ContainerRecord): boolean {
  const name = c.HostConfig.RestartPolicy?.Name;
  return name === 'always' || (name === 'unless-stopped' && !c.HasBeenManuallyStopped);
}

export class RestartBackoff {
  private readonly delays = new Map<string, number>();

  /** The wait before the next start; `ranMs` is how long the run that just ended lasted. */
  next(id: string, ranMs: number): number {
    const previous = this.delays.get(id);
    const delay = previous === undefined || ranMs >= 10_000 ? 100 : Math.min(previous * 2, 60_000);
    this.delays.set(id, delay);
    return delay;
  }

  forget(id: string): void {
    this.delays.delete(id);
  }
}
