/**
 * `docker kill` (SIGKILL) is answered once the container has exited, as dockerd answers it: inspect right
 * after shows exited/137 and `docker kill x && docker rm x` works. Other signals are answered at once.
 */
import test from 'ava';
import {busyboxEngine} from '../helpers/busybox-engine.js';

const engine = busyboxEngine(test);

const inspect = async (name: string) => JSON.parse((await engine.docker(['inspect', name])).stdout)[0];

test.serial('after docker kill, inspect shows the exit at once, and rm works', async (t) => {
  for (let i = 0; i < 3; i++) {
    const name = `killed-${i}`;
    t.is((await engine.docker(['run', '-d', '--name', name, 'busybox', 'sleep', '600'])).code, 0);
    const kill = await engine.docker(['kill', name]);
    t.is(kill.code, 0, kill.stderr);
    const state = (await inspect(name)).State;
    t.like(state, {Status: 'exited', Running: false, ExitCode: 137}, name);
    const rm = await engine.docker(['rm', name]);
    t.is(rm.code, 0, rm.stderr);
  }
});

test.serial('a paused container killed: exited/137 at once', async (t) => {
  t.is((await engine.docker(['run', '-d', '--name', 'frozen', 'busybox', 'sleep', '600'])).code, 0);
  t.is((await engine.docker(['pause', 'frozen'])).code, 0);
  t.is((await engine.docker(['kill', 'frozen'])).code, 0);
  t.like((await inspect('frozen')).State, {Status: 'exited', Paused: false, ExitCode: 137});
  await engine.docker(['rm', 'frozen']);
});

test.serial('another signal is answered at once, whether or not the process ends', async (t) => {
  // The shell ignores TERM: waiting for an exit here would never end.
  const run = await engine.docker(['run', '-d', '--name', 'stubborn', 'busybox', 'sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done']);
  t.is(run.code, 0, run.stderr);
  const started = Date.now();
  const kill = await engine.docker(['kill', '-s', 'TERM', 'stubborn']);
  t.is(kill.code, 0, kill.stderr);
  t.true(Date.now() - started < 5000, 'answered without waiting');
  t.true((await inspect('stubborn')).State.Running);
  await engine.docker(['rm', '-f', 'stubborn']);
});
