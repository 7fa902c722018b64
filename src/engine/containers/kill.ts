/**
 * `docker kill`: a signal to the container's process; a paused container is thawed so that it can act on it.
 * A SIGKILL is answered once the container has exited (its exit recorded), as dockerd does, so that
 * `docker kill x && docker rm x` works; any other signal is answered at once.
 */
import {constants} from 'node:os';
import {invalidArgument} from '../errors.js';
import {emit, type ContainerContext} from './context.js';
import {within} from './deadline.js';
import type {ContainerRecord} from '../model/container.js';
import {checkKill} from './state.js';

/** dockerd's wait for a SIGKILLed process before it kills every process of the container itself. */
const SIGKILL_EXIT_WAIT_MS = 10_000;

export async function kill(ctx: ContainerContext, ref: string, signal = 'SIGKILL'): Promise<void> {
  const c = ctx.store.get(ref);
  if (c.State.Running || c.State.Restarting) c.HasBeenManuallyStopped = true;
  ctx.restarts.cancel(c);
  checkKill(c, ref);
  await signalContainer(ctx, c, signal);
}

/** The signal itself, without marking the container as stopped by hand (the daemon's shutdown sends it too). */
export async function signalContainer(ctx: ContainerContext, c: ContainerRecord, signal: string): Promise<void> {
  const sig = signalNumber(signal);
  const exit = sig === constants.signals.SIGKILL ? ctx.waiters.wait(c, 'next-exit') : undefined;
  try {
    await ctx.runtime.kill(c.ID, sig);
    emit(ctx, c, 'kill', {signal: String(sig)});
    // A frozen process cannot act on the signal (under cgroup v1 not even SIGKILL): thaw it, as dockerd does.
    if (c.State.Paused) await ctx.unpause(c.ID).catch((e: Error) => ctx.log.warn('unpause after kill failed', {id: c.ID, error: e.message}));
    if (!exit) return;
    if (await within(exit.promise.then(() => true), SIGKILL_EXIT_WAIT_MS, false)) return;
    // Not gone yet (a process that escaped the first signal): every process of the container, then the exit.
    await killAll(ctx, c);
    await within(exit.promise, SIGKILL_EXIT_WAIT_MS, undefined);
  } finally {
    exit?.cancel();
  }
}

/** SIGKILL to every process of the container, thawed if paused (under cgroup v1 a frozen process does not die). */
export async function killAll(ctx: ContainerContext, c: ContainerRecord): Promise<void> {
  await ctx.runtime.kill(c.ID, 9, true).catch(() => {});
  if (c.State.Paused) await ctx.unpause(c.ID).catch(() => {});
}

/** A signal by number or name, with or without SIG, in any case. */
function signalNumber(signal: string): number {
  const name = signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
  const sig = /^\d+$/.test(signal) ? Number(signal) : (constants.signals as Record<string, number>)[name];
  if (!sig) throw invalidArgument(`Invalid signal: ${signal}`);
  return sig;
}
