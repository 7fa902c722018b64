/** Carrying out restart policies: the back-off timers, their cancelling, and the starts at daemon start. */
import type {Logger} from '../util/log.js';
import type {ContainerStore} from './container-store.js';
import type {ContainerRecord} from '../model/container.js';
import {RestartBackoff, shouldRestart, startsWithDaemon} from './restart-policy.js';
import {apply, can} from './state.js';

export class Restarts {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly backoff = new RestartBackoff();
  /** Set when the daemon shuts down: exits from then on are not restarted. */
  private halted = false;

  constructor(
    private readonly store: ContainerStore,
    private readonly start: (id: string) => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  /** A container just ended with `code`: if its policy says so, it shows as restarting and starts after the back-off. */
  afterExit(c: ContainerRecord, code: number): void {
    if (this.halted || !shouldRestart(c, code) || !can(c.State, 'restart-scheduled')) return;
    const ran = Date.parse(c.State.FinishedAt) - Date.parse(c.State.StartedAt);
    const delay = this.backoff.next(c.ID, Number.isFinite(ran) ? ran : 0);
    apply(c, {type: 'restart-scheduled'});
    this.store.save(c);
    this.timers.set(c.ID, setTimeout(() => {
      this.timers.delete(c.ID);
      const current = this.store.find(c.ID);
      if (!current?.State.Restarting) return;
      current.RestartCount++;
      this.start(current.ID).catch((error: Error) => {
        this.log.warn('restart by policy failed', {id: c.ID.slice(0, 12), error: error.message});
        const again = this.store.find(c.ID);
        if (again) this.afterExit(again, again.State.ExitCode);
      });
    }, delay).unref());
  }

  /** The daemon shuts down: pending restarts are dropped, and later exits are not restarted. */
  halt(): void {
    this.halted = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** A start, stop, kill or removal by hand: no pending restart goes ahead. */
  cancel(c: ContainerRecord): void {
    const timer = this.timers.get(c.ID);
    if (timer) clearTimeout(timer);
    this.timers.delete(c.ID);
    if (c.State.Restarting) apply(c, {type: 'restart-cancelled'});
  }

  forget(c: ContainerRecord): void {
    this.cancel(c);
    this.backoff.forget(c.ID);
  }

  async startWithDaemon(): Promise<void> {
    for (const c of this.store.all()) {
      if (c.State.Running || !startsWithDaemon(c)) continue;
      c.HasBeenManuallyStopped = false;
      await this.start(c.ID).catch((error: Error) => {
        this.log.warn('start by restart policy failed', {id: c.ID.slice(0, 12), error: error.message});
        // A start that fails at boot (a busy machine, a device not there yet) is tried again with the policy's back-off.
        const again = this.store.find(c.ID);
        if (again) this.afterExit(again, again.State.ExitCode);
      });
    }
  }
}
