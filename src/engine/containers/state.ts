/**
 * The container lifecycle as one table: which event moves a container from which status to which, and the
 * checks dockerd makes before a verb (with its words, which the docker CLI prints as they are). Every change of
 * a container's State goes through `transition`, so no status can be reached by a path the table does not list.
 *
 *   created ──start──▶ running ──pause──▶ paused ──unpause──▶ running
 *   running, paused ──exit──▶ exited ──restart-scheduled──▶ restarting ──start──▶ running
 *   any but removing ──remove──▶ removing ──remove-failed──▶ dead ──remove──▶ removing
 */
import {conflict} from '../errors.js';
import type {ContainerRecord, ContainerState, ContainerStatus, Health} from '../model/container.js';
import {zeroTime} from './record.js';

export type StateEvent =
  | {type: 'start'; pid: number; startedAt: string}
  /** The runtime could not start the process: the container stays as it was, with the code and error kept. */
  | {type: 'start-failed'; exitCode: number; error: string}
  | {type: 'exit'; exitCode: number; finishedAt: string; oomKilled: boolean}
  | {type: 'pause'}
  | {type: 'unpause'}
  | {type: 'restart-scheduled'}
  | {type: 'restart-cancelled'}
  | {type: 'remove'}
  | {type: 'remove-failed'};

export type StateEventType = StateEvent['type'];

/** From each status, the events it accepts and the status each leads to. */
export const transitions: Readonly<Record<ContainerStatus, Partial<Record<StateEventType, ContainerStatus>>>> = {
  created: {'start': 'running', 'start-failed': 'created', 'remove': 'removing'},
  running: {'exit': 'exited', 'pause': 'paused', 'remove': 'removing'},
  paused: {'exit': 'exited', 'unpause': 'running', 'remove': 'removing'},
  restarting: {'start': 'running', 'start-failed': 'exited', 'restart-cancelled': 'exited', 'remove': 'removing'},
  exited: {'start': 'running', 'start-failed': 'exited', 'restart-scheduled': 'restarting', 'remove': 'removing'},
  dead: {remove: 'removing'},
  // A process killed by a forced removal may end once the removal is under way: it stays a removal.
  removing: {'exit': 'removing', 'remove-failed': 'dead'},
};

/** A transition the table does not list: a fault of the engine, not of the request. */
export class InvalidTransition extends Error {
  override name = 'InvalidTransition';
  constructor(
    readonly from: ContainerStatus,
    readonly event: StateEventType,
  ) {
    super(`a ${from} container cannot take the event "${event}"`);
  }
}

export function can(state: ContainerState, event: StateEventType): boolean {
  return transitions[state.Status][event] !== undefined;
}

/** The state after `event`; throws InvalidTransition when the table has no such move. */
export function transition(state: ContainerState, event: StateEvent): ContainerState {
  const to = transitions[state.Status][event.type];
  if (!to) throw new InvalidTransition(state.Status, event.type);
  const next: ContainerState = {...state, Status: to};
  switch (event.type) {
    case 'start':
      return {...next, Running: true, Paused: false, Restarting: false, Dead: false, Pid: event.pid, ExitCode: 0, Error: '', StartedAt: event.startedAt, FinishedAt: zeroTime, OOMKilled: false};
    case 'start-failed':
      return {...next, Running: false, Restarting: false, Pid: 0, ExitCode: event.exitCode, Error: event.error};
    case 'exit':
      // As dockerd: a stopped container is no longer healthy.
      return {
        ...next, Running: false, Paused: false, Pid: 0, ExitCode: event.exitCode, FinishedAt: event.finishedAt, OOMKilled: event.oomKilled,
        ...(state.Health ? {Health: {...state.Health, Status: 'unhealthy'}} : {}),
      };
    case 'pause':
      return {...next, Paused: true};
    case 'unpause':
      return {...next, Paused: false};
    case 'restart-scheduled':
      return {...next, Restarting: true};
    case 'restart-cancelled':
      return {...next, Restarting: false};
    case 'remove':
      return next;
    case 'remove-failed':
      return {...next, Running: false, Paused: false, Restarting: false, Dead: true, Pid: 0};
  }
}

/** Applies `event` to the record's state. */
export function apply(c: ContainerRecord, event: StateEvent): void {
  c.State = transition(c.State, event);
}

/** A container (re)started with a health check: "starting", no probes yet. */
export function freshHealth(): Health {
  return {Status: 'starting', FailingStreak: 0, Log: []};
}

// The guards: dockerd's checks before each verb, in its order and words.

/** `start`: "already" when it runs (a 304), an error when it cannot start. */
export function checkStart(c: ContainerRecord): 'already' | 'startable' {
  if (c.State.Paused) throw conflict('cannot start a paused container, try unpause instead');
  if (c.State.Running) return 'already';
  if (c.State.Status === 'removing' || c.State.Status === 'dead') throw conflict(`container ${c.ID} is marked for removal and cannot be started`);
  return 'startable';
}

/** `exec` (create and start). */
export function checkExec(c: ContainerRecord): void {
  if (!c.State.Running) throw conflict(`container ${c.ID} is not running`);
  if (c.State.Paused) throw conflict(`Container ${c.ID} is paused, unpause the container before exec`);
}

/** `attach`: a stopped container may be attached to (`start -a` attaches first); a paused or restarting one not. */
export function checkAttach(c: ContainerRecord, ref: string): void {
  if (c.State.Paused) throw conflict(`container ${ref} is paused, unpause the container before attach`);
  if (c.State.Restarting) throw conflict(`container ${ref} is restarting, wait until the container is running`);
}

export function checkPause(c: ContainerRecord): void {
  if (!c.State.Running) throw conflict(`Container ${c.ID} is not running`);
  if (c.State.Paused) throw conflict(`Container ${c.ID} is already paused`);
}

export function checkUnpause(c: ContainerRecord): void {
  if (!c.State.Paused) throw conflict(`Container ${c.ID} is not paused`);
}

/** `kill`, with the reference as the client gave it. */
export function checkKill(c: ContainerRecord, ref: string): void {
  if (!c.State.Running) throw conflict(`cannot kill container: ${ref}: container ${c.ID} is not running`);
}

/** `rm`: a running or restarting container only with force. */
export function checkRemove(c: ContainerRecord, force: boolean): void {
  if (force) return;
  if (c.State.Restarting) throw conflict(`cannot remove container "${c.Name}": container is restarting: stop the container before removing or force remove`);
  if (c.State.Running) throw conflict(`cannot remove container "${c.Name}": container is running: stop the container before removing or force remove`);
}

/** `top` and other looks at the live processes. */
export function checkRunning(c: ContainerRecord): void {
  if (!c.State.Running) throw conflict(`container ${c.ID} is not running`);
}
