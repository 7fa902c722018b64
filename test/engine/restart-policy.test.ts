/**
 * Restart policies through the stock docker CLI: on-failure:N retries N times, always keeps a container coming
 * back until it is stopped by hand, and at daemon start always returns even then while unless-stopped does not.
 * That a container does not come back is shown against a twin that may and does: the same command on the same
 * back-off, started just after it, so the twin's restart marks when the container's own would have come.
 */
import test from 'ava';
import {busyboxEngine} from '../helpers/busybox-engine.js';
import {waitFor} from '../helpers/wait.js';

const engine = busyboxEngine(test);

type State = {RestartCount: number; State: {Status: string; Running: boolean; ExitCode: number; Restarting: boolean}};
const state = async (name: string) => JSON.parse((await engine.docker(['inspect', name])).stdout)[0] as State;

function until(name: string, ok: (s: State) => boolean, ms = 15_000): Promise<State> {
  return waitFor(() => state(name), {until: ok, timeoutMs: ms, intervalMs: 100, what: `${name} to reach the state awaited`});
}

test.serial('on-failure:2 starts a failing container twice more, then leaves it exited', async (t) => {
  t.is((await engine.docker(['run', '-d', '--name', 'fails', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3'])).code, 0);
  t.is((await engine.docker(['run', '-d', '--name', 'fails-twin', '--restart', 'on-failure:3', 'busybox', 'sh', '-c', 'exit 3'])).code, 0);
  const s = await until('fails', (x) => x.RestartCount === 2 && x.State.Status === 'exited');
  t.like(s, {RestartCount: 2, State: {Status: 'exited', ExitCode: 3, Restarting: false}});
  // The twin's third retry, and its end, come after the back-off a third retry of `fails` would have waited.
  await until('fails-twin', (x) => x.RestartCount === 3 && x.State.Status === 'exited');
  t.is((await state('fails')).RestartCount, 2, 'no third retry');
  await engine.docker(['rm', '-f', 'fails-twin']);
});

test.serial('always brings a container back each time it ends, until docker stop', async (t) => {
  t.is((await engine.docker(['run', '-d', '--name', 'flaps', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2'])).code, 0);
  t.is((await engine.docker(['run', '-d', '--name', 'flapping-twin', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2'])).code, 0);
  const s = await until('flaps', (x) => x.RestartCount >= 3);
  t.true(s.RestartCount >= 3, `restarted ${s.RestartCount} times`);
  const events = await engine.docker(['ps', '-a', '--filter', 'name=flaps', '--format', '{{.Status}}']);
  t.regex(events.stdout, /^(Up|Restarting \(0\))/);
  t.is((await engine.docker(['stop', 'flaps'])).code, 0);
  const stopped = await state('flaps');
  // The twin runs behind flaps on the same doubling back-off: by its restart two past the count flaps stopped at,
  // the next restart flaps would have had is due.
  await until('flapping-twin', (x) => x.RestartCount >= stopped.RestartCount + 2, 60_000);
  const later = await state('flaps');
  t.false(later.State.Running);
  t.is(later.RestartCount, stopped.RestartCount, 'a container stopped by hand stays down');
  await engine.docker(['rm', '-f', 'flapping-twin']);
});

test.serial('at daemon start: always comes back even after docker stop; unless-stopped does not', async (t) => {
  // unless-stopped is made between two always containers: the daemon brings its containers back one after another,
  // in the order they were made or its reverse, so once both of those run its turn has passed.
  for (const [name, policy] of [['back-always', 'always'], ['back-unless', 'unless-stopped'], ['back-always-last', 'always']]) {
    t.is((await engine.docker(['run', '-d', '--name', name, '--restart', policy, 'busybox', 'sleep', '600'])).code, 0);
    t.is((await engine.docker(['stop', '-t', '0', name])).code, 0);
  }
  await engine.restart();
  t.true((await until('back-always', (x) => x.State.Running)).State.Running);
  await until('back-always-last', (x) => x.State.Running);
  t.false((await state('back-unless')).State.Running);
});

test('policies Docker refuses are refused', async (t) => {
  const bad = await engine.docker(['create', '--restart', 'sometimes', 'busybox', 'true']);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /invalid restart policy/);
  const rm = await engine.docker(['create', '--rm', '--restart', 'always', 'busybox', 'true']);
  t.not(rm.code, 0);
  t.regex(rm.stderr, /restart/);
});
