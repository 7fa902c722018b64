/**
 * Restart policies through the stock docker CLI: on-failure:N retries N times, always keeps a container coming
 * back until it is stopped by hand, and at daemon start always returns even then while unless-stopped does not.
 */
import test from 'ava';
import {busyboxEngine} from '../helpers/busybox-engine.js';

const engine = busyboxEngine(test);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const state = async (name: string) => JSON.parse((await engine.docker(['inspect', name])).stdout)[0] as {RestartCount: number; State: {Status: string; Running: boolean; ExitCode: number; Restarting: boolean}};

async function until(name: string, ok: (s: Awaited<ReturnType<typeof state>>) => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await state(name);
    if (ok(s) || Date.now() > deadline) return s;
    await sleep(100);
  }
}

test.serial('on-failure:2 starts a failing container twice more, then leaves it exited', async (t) => {
  t.is((await engine.docker(['run', '-d', '--name', 'fails', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3'])).code, 0);
  const s = await until('fails', (x) => x.RestartCount === 2 && x.State.Status === 'exited');
  t.like(s, {RestartCount: 2, State: {Status: 'exited', ExitCode: 3, Restarting: false}});
  await sleep(1500);
  t.is((await state('fails')).RestartCount, 2, 'no third retry');
});

test.serial('always brings a container back each time it ends, until docker stop', async (t) => {
  t.is((await engine.docker(['run', '-d', '--name', 'flaps', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2'])).code, 0);
  const s = await until('flaps', (x) => x.RestartCount >= 3);
  t.true(s.RestartCount >= 3, `restarted ${s.RestartCount} times`);
  const events = await engine.docker(['ps', '-a', '--filter', 'name=flaps', '--format', '{{.Status}}']);
  t.regex(events.stdout, /^(Up|Restarting \(0\))/);
  t.is((await engine.docker(['stop', 'flaps'])).code, 0);
  const stopped = await state('flaps');
  await sleep(1500);
  const later = await state('flaps');
  t.false(later.State.Running);
  t.is(later.RestartCount, stopped.RestartCount, 'a container stopped by hand stays down');
});

test.serial('at daemon start: always comes back even after docker stop; unless-stopped does not', async (t) => {
  for (const [name, policy] of [['back-always', 'always'], ['back-unless', 'unless-stopped']]) {
    t.is((await engine.docker(['run', '-d', '--name', name, '--restart', policy, 'busybox', 'sleep', '600'])).code, 0);
    t.is((await engine.docker(['stop', '-t', '0', name])).code, 0);
  }
  await engine.restart();
  t.true((await until('back-always', (x) => x.State.Running)).State.Running);
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
