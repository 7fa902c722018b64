/** The container lifecycle table and dockerd's guards, without an engine: every move, every refusal, every message. */
import test from 'ava';
import {initialState, zeroTime} from '../../../src/engine/containers/record.js';
import {EngineError} from '../../../src/engine/errors.js';
import type {ContainerRecord, ContainerState, ContainerStatus} from '../../../src/engine/model/container.js';
import {
  can, checkAttach, checkExec, checkKill, checkPause, checkRemove, checkRunning, checkStart, checkUnpause, InvalidTransition, transition, transitions,
  type StateEvent, type StateEventType,
} from '../../../src/engine/containers/state.js';

const ID = 'c0ffee'.padEnd(64, '0');
const statuses: ContainerStatus[] = ['created', 'running', 'paused', 'restarting', 'exited', 'dead', 'removing'];
const events: Record<StateEventType, StateEvent> = {
  'start': {type: 'start', pid: 42, startedAt: '2026-01-01T00:00:00Z'},
  'start-failed': {type: 'start-failed', exitCode: 127, error: 'exec: "nope": executable file not found in $PATH'},
  'exit': {type: 'exit', exitCode: 3, finishedAt: '2026-01-01T00:00:05Z', oomKilled: false},
  'pause': {type: 'pause'},
  'unpause': {type: 'unpause'},
  'restart-scheduled': {type: 'restart-scheduled'},
  'restart-cancelled': {type: 'restart-cancelled'},
  'remove': {type: 'remove'},
  'remove-failed': {type: 'remove-failed'},
};

/** A state as the engine holds it in `status`: the flags that go with it. */
function stateIn(status: ContainerStatus): ContainerState {
  const base = initialState();
  const ran = {StartedAt: '2025-12-31T00:00:00Z', FinishedAt: '2025-12-31T00:01:00Z'};
  switch (status) {
    case 'created': return base;
    case 'running': return {...base, ...ran, FinishedAt: zeroTime, Status: status, Running: true, Pid: 7};
    case 'paused': return {...base, ...ran, FinishedAt: zeroTime, Status: status, Running: true, Paused: true, Pid: 7};
    case 'restarting': return {...base, ...ran, Status: status, Restarting: true, ExitCode: 1};
    case 'exited': return {...base, ...ran, Status: status, ExitCode: 1};
    case 'dead': return {...base, ...ran, Status: status, Dead: true};
    case 'removing': return {...base, ...ran, Status: status};
  }
}

function record(status: ContainerStatus): ContainerRecord {
  return {ID, Name: '/web', State: stateIn(status)} as ContainerRecord;
}

const expected: Record<ContainerStatus, Partial<Record<StateEventType, ContainerStatus>>> = {
  created: {'start': 'running', 'start-failed': 'created', 'remove': 'removing'},
  running: {'exit': 'exited', 'pause': 'paused', 'remove': 'removing'},
  paused: {'exit': 'exited', 'unpause': 'running', 'remove': 'removing'},
  restarting: {'start': 'running', 'start-failed': 'exited', 'restart-cancelled': 'exited', 'remove': 'removing'},
  exited: {'start': 'running', 'start-failed': 'exited', 'restart-scheduled': 'restarting', 'remove': 'removing'},
  dead: {remove: 'removing'},
  removing: {'exit': 'removing', 'remove-failed': 'dead'},
};

test('the table is exactly the documented lifecycle', (t) => {
  t.deepEqual(transitions, expected);
});

// One test per (status, event): the allowed ones land where the table says, the others are refused.
for (const from of statuses) {
  for (const type of Object.keys(events) as StateEventType[]) {
    const to = expected[from][type];
    if (to) {
      test(`${from} --${type}--> ${to}`, (t) => {
        const next = transition(stateIn(from), events[type]);
        t.is(next.Status, to);
        t.true(can(stateIn(from), type));
      });
    } else {
      test(`${from} refuses ${type}`, (t) => {
        t.false(can(stateIn(from), type));
        const error = t.throws(() => transition(stateIn(from), events[type]), {instanceOf: InvalidTransition});
        t.like(error, {from, event: type});
      });
    }
  }
}

test('start: running with the new pid, the last run forgotten', (t) => {
  const before = {...stateIn('exited'), ExitCode: 137, Error: 'boom', OOMKilled: true};
  t.deepEqual(transition(before, events.start), {
    ...before, Status: 'running', Running: true, Paused: false, Restarting: false, Dead: false, Pid: 42, ExitCode: 0, Error: '',
    StartedAt: '2026-01-01T00:00:00Z', FinishedAt: zeroTime, OOMKilled: false,
  });
  t.like(transition(stateIn('restarting'), events.start), {Restarting: false, Running: true});
});

test('start-failed: not running, the exit code and error kept, times untouched', (t) => {
  t.deepEqual(transition(stateIn('created'), events['start-failed']), {
    ...initialState(), Status: 'created', ExitCode: 127, Error: 'exec: "nope": executable file not found in $PATH',
  });
  t.like(transition(stateIn('restarting'), events['start-failed']), {Status: 'exited', Restarting: false, Running: false, Pid: 0});
});

test('exit: the code, time and OOM verdict recorded; a checked container turns unhealthy', (t) => {
  const running = {...stateIn('paused'), Health: {Status: 'healthy' as const, FailingStreak: 0, Log: []}};
  const next = transition(running, {type: 'exit', exitCode: 137, finishedAt: '2026-01-01T00:00:09Z', oomKilled: true});
  t.like(next, {Status: 'exited', Running: false, Paused: false, Pid: 0, ExitCode: 137, FinishedAt: '2026-01-01T00:00:09Z', OOMKilled: true});
  t.is(next.Health?.Status, 'unhealthy');
  t.is(transition(stateIn('running'), events.exit).Health, undefined, 'no health check, no Health');
});

test('pause and unpause flip Paused; the process keeps running', (t) => {
  const paused = transition(stateIn('running'), events.pause);
  t.like(paused, {Status: 'paused', Paused: true, Running: true, Pid: 7});
  t.like(transition(paused, events.unpause), {Status: 'running', Paused: false, Running: true, Pid: 7});
});

test('restart scheduled and cancelled flip Restarting', (t) => {
  const restarting = transition(stateIn('exited'), events['restart-scheduled']);
  t.like(restarting, {Status: 'restarting', Restarting: true, Running: false});
  t.like(transition(restarting, events['restart-cancelled']), {Status: 'exited', Restarting: false});
});

test('a removal that fails leaves the container dead, and it can be removed again', (t) => {
  const removing = transition(stateIn('running'), events.remove);
  t.like(removing, {Status: 'removing', Running: true}, 'a forced removal marks it before its process is gone');
  const dead = transition(removing, events['remove-failed']);
  t.like(dead, {Status: 'dead', Dead: true, Running: false, Pid: 0});
  t.is(transition(dead, events.remove).Status, 'removing');
});

test('transition does not change the state it is given', (t) => {
  const before = stateIn('running');
  const copy = structuredClone(before);
  transition(before, events.pause);
  t.deepEqual(before, copy);
});

function conflictMessage(t: import('ava').ExecutionContext, fn: () => unknown): string {
  const error = t.throws(fn, {instanceOf: EngineError});
  t.is(error?.kind, 'conflict');
  return error?.message ?? '';
}

test('guard start: paused and removed containers cannot start; a running one is "already"', (t) => {
  t.is(conflictMessage(t, () => checkStart(record('paused'))), 'cannot start a paused container, try unpause instead');
  t.is(conflictMessage(t, () => checkStart(record('removing'))), `container ${ID} is marked for removal and cannot be started`);
  t.is(conflictMessage(t, () => checkStart(record('dead'))), `container ${ID} is marked for removal and cannot be started`);
  t.is(checkStart(record('running')), 'already');
  for (const s of ['created', 'exited', 'restarting'] as const) t.is(checkStart(record(s)), 'startable', s);
});

test('guard exec: only a running, unpaused container', (t) => {
  for (const s of ['created', 'exited', 'restarting', 'dead'] as const) t.is(conflictMessage(t, () => checkExec(record(s))), `container ${ID} is not running`, s);
  t.is(conflictMessage(t, () => checkExec(record('paused'))), `Container ${ID} is paused, unpause the container before exec`);
  t.notThrows(() => checkExec(record('running')));
});

test('guard attach: a stopped container may be attached to, a paused or restarting one not', (t) => {
  t.is(conflictMessage(t, () => checkAttach(record('paused'), 'web')), 'container web is paused, unpause the container before attach');
  t.is(conflictMessage(t, () => checkAttach(record('restarting'), 'web')), 'container web is restarting, wait until the container is running');
  for (const s of ['created', 'running', 'exited'] as const) t.notThrows(() => checkAttach(record(s), 'web'), s);
});

test('guard pause and unpause', (t) => {
  for (const s of ['created', 'exited', 'restarting'] as const) t.is(conflictMessage(t, () => checkPause(record(s))), `Container ${ID} is not running`, s);
  t.is(conflictMessage(t, () => checkPause(record('paused'))), `Container ${ID} is already paused`);
  t.notThrows(() => checkPause(record('running')));
  for (const s of ['created', 'running', 'exited'] as const) t.is(conflictMessage(t, () => checkUnpause(record(s))), `Container ${ID} is not paused`, s);
  t.notThrows(() => checkUnpause(record('paused')));
});

test('guard kill: names the container as the client did', (t) => {
  for (const s of ['created', 'exited', 'restarting'] as const) t.is(conflictMessage(t, () => checkKill(record(s), 'web')), `cannot kill container: web: container ${ID} is not running`, s);
  t.notThrows(() => checkKill(record('running'), 'web'));
  t.notThrows(() => checkKill(record('paused'), 'web'));
});

test('guard remove: running or restarting only with force', (t) => {
  t.is(conflictMessage(t, () => checkRemove(record('running'), false)), 'cannot remove container "/web": container is running: stop the container before removing or force remove');
  t.is(conflictMessage(t, () => checkRemove(record('paused'), false)), 'cannot remove container "/web": container is running: stop the container before removing or force remove');
  t.is(conflictMessage(t, () => checkRemove(record('restarting'), false)), 'cannot remove container "/web": container is restarting: stop the container before removing or force remove');
  for (const s of ['running', 'restarting', 'paused'] as const) t.notThrows(() => checkRemove(record(s), true), s);
  for (const s of ['created', 'exited', 'dead'] as const) t.notThrows(() => checkRemove(record(s), false), s);
});

test('guard running (top): a stopped container has no processes to show', (t) => {
  t.is(conflictMessage(t, () => checkRunning(record('exited'))), `container ${ID} is not running`);
  t.notThrows(() => checkRunning(record('running')));
});
