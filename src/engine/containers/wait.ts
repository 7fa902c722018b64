/** `docker wait`: who waits for which container's exit or removal, and the exit code they get. */
import type {ContainerStore} from './container-store.js';
import type {ContainerRecord} from '../model/container.js';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface Waiting {
  promise: Promise<number>;
  cancel: () => void;
}

/** How long a removed container's last exit code is kept for a `wait --condition removed` that comes late. */
const LAST_EXIT_KEPT_MS = 60_000;

export class ExitWaiters {
  private readonly onExit = new Map<string, Set<(code: number) => void>>();
  private readonly onRemove = new Map<string, Set<() => void>>();
  private readonly lastExit = new Map<string, number>();

  /** Resolves with the exit code once the condition holds. */
  wait(c: ContainerRecord, condition: WaitCondition): Waiting {
    if (condition === 'not-running' && !c.State.Running) return {promise: Promise.resolve(c.State.ExitCode), cancel: () => {}};
    let cancel = () => {};
    const promise = new Promise<number>((resolve) => {
      if (condition === 'removed') {
        const done = () => resolve(this.lastExit.get(c.ID) ?? c.State.ExitCode);
        cancel = subscribe(this.onRemove, c.ID, done);
        return;
      }
      cancel = subscribe(this.onExit, c.ID, resolve);
    });
    return {promise, cancel};
  }

  /** The container's process ended (or could not start) with `code`. */
  exited(c: ContainerRecord, code: number): void {
    for (const w of take(this.onExit, c.ID)) w(code);
  }

  /** The container is gone: removal waiters go, and exit waiters too (it will not run again). */
  removed(c: ContainerRecord): void {
    this.lastExit.set(c.ID, c.State.ExitCode);
    for (const w of take(this.onRemove, c.ID)) w();
    this.exited(c, c.State.ExitCode);
    setTimeout(() => this.lastExit.delete(c.ID), LAST_EXIT_KEPT_MS).unref();
  }
}

function subscribe<T>(map: Map<string, Set<T>>, id: string, waiter: T): () => void {
  const set = map.get(id) ?? new Set<T>();
  set.add(waiter);
  map.set(id, set);
  return () => set.delete(waiter);
}

function take<T>(map: Map<string, Set<T>>, id: string): Set<T> {
  const set = map.get(id) ?? new Set<T>();
  map.delete(id);
  return set;
}

/** The `wait` verb. */
export function wait(store: ContainerStore, waiters: ExitWaiters, ref: string, condition: WaitCondition): Waiting {
  return waiters.wait(store.get(ref), condition);
}
