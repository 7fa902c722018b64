/**
 * Waiting in tests: poll for a condition up to a deadline, and fail naming what never came. A test that proves
 * that something did not happen waits for something it can observe (a state, an event, a clock that keeps
 * ticking meanwhile), never for a fixed time.
 */
import {setTimeout as delay} from 'node:timers/promises';

export interface WaitOptions {
  /** How long before giving up. */
  timeoutMs: number;
  /** What is awaited, for the error ("the ticker's first tick"). */
  what: string;
  /** Between two polls; 50 ms unless told. */
  intervalMs?: number;
}

/** Polls `probe` until `until` holds for its value, and returns that value. */
export function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions & {until: (value: T) => boolean}): Promise<T>;
/** Polls `probe` until its value is truthy, and returns that value. */
export function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions): Promise<Exclude<T, undefined | null | false | 0 | ''>>;
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions & {until?: (value: T) => boolean}): Promise<T> {
  const {timeoutMs, what, intervalMs = 50, until = Boolean} = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (until(value)) return value;
    if (Date.now() >= deadline) throw new Error(`waited ${timeoutMs} ms for ${what} in vain; last seen: ${describe(value)}`);
    await delay(intervalMs);
  }
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
