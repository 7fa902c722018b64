/**
 * `docker pause` / `unpause` through the stock docker CLI: the cgroup freezer stops the container's processes
 * (its freezer state says FROZEN and a file it keeps appending to stops growing), ps and inspect say so, exec
 * waits for unpause, and stop, kill and rm -f still end a paused container.
 */
import {readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {containerCgroup, readCgroupFile} from '../../src/engine/runtime/cgroups.js';
import {busyboxEngine} from '../helpers/busybox-engine.js';
import {waitFor} from '../helpers/wait.js';

const engine = busyboxEngine(test);

const inspect = async (name: string) => JSON.parse((await engine.docker(['inspect', name])).stdout)[0];
const ticker = ['busybox', 'sh', '-c', 'while true; do echo tick >> /ticks; sleep 0.05; done'];
/** How many bytes a ticker has written so far (its file is in its container's upper dir). */
const ticked = (file: string) => statSync(file, {throwIfNoEntry: false})?.size ?? 0;

/** Whether the kernel has the container's cgroup frozen (v1 freezer.state, v2 cgroup.events). */
function frozen(id: string, cgroupsPath: string): boolean {
  const cg = containerCgroup(id, cgroupsPath);
  if (cg.version === 1) return readCgroupFile(cg.dir('freezer'), 'freezer.state')?.trim() === 'FROZEN';
  return /^frozen 1$/m.test(readCgroupFile(cg.dir('memory'), 'cgroup.events') ?? '');
}

test.serial('pause freezes the processes, unpause lets them go on; ps, inspect and events say so', async (t) => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const run = await engine.docker(['run', '-d', '--name', 'ticker', ...ticker]);
  t.is(run.code, 0, run.stderr);
  // A second ticker that is never paused is the clock: how long "no tick while paused" lasts is counted in its ticks.
  t.is((await engine.docker(['run', '-d', '--name', 'clock', ...ticker])).code, 0);
  const info = await inspect('ticker');
  const ticks = join(info.GraphDriver.Data.UpperDir, 'ticks');
  const clock = join((await inspect('clock')).GraphDriver.Data.UpperDir, 'ticks');
  await waitFor(() => ticked(ticks) > 0, {timeoutMs: 10_000, what: 'the ticker\'s first tick'});
  const cgroupsPath = JSON.parse(readFileSync(join(engine.dataRoot, 'containers', info.Id, 'config.v2.json'), 'utf8')).CgroupsPath ?? `/docker/${info.Id}`;

  t.is((await engine.docker(['pause', 'ticker'])).code, 0);
  t.true(frozen(info.Id, cgroupsPath), 'the kernel has the cgroup frozen');
  // Frozen: a write under way has ended, so the size is final. Over ten periods of the clock, the ticker would have
  // written ten times ("tick\n" is 5 bytes) had it run on.
  const before = statSync(ticks).size;
  const clockAtPause = ticked(clock);
  await waitFor(() => ticked(clock) >= clockAtPause + 10 * 5, {timeoutMs: 30_000, what: 'ten ticks of the clock'});
  t.is(statSync(ticks).size, before, 'no tick while paused');
  t.like((await inspect('ticker')).State, {Status: 'paused', Paused: true, Running: true});
  t.regex((await engine.docker(['ps', '--format', '{{.Names}} {{.Status}}'])).stdout, /^ticker Up .* \(Paused\)$/m);
  t.is((await engine.docker(['ps', '--filter', 'status=paused', '--format', '{{.Names}}'])).stdout.trim(), 'ticker');

  const again = await engine.docker(['pause', 'ticker']);
  t.regex(again.stderr, /is already paused/);
  const exec = await engine.docker(['exec', 'ticker', 'true']);
  t.not(exec.code, 0);
  t.regex(exec.stderr, /is paused, unpause the container before exec/);
  const start = await engine.docker(['start', 'ticker']);
  t.regex(start.stderr, /cannot start a paused container, try unpause instead/);

  t.is((await engine.docker(['unpause', 'ticker'])).code, 0);
  t.false(frozen(info.Id, cgroupsPath));
  // A busy machine may take a moment to schedule it again.
  await waitFor(() => statSync(ticks).size > before, {timeoutMs: 5000, what: 'the thawed ticker\'s next tick'});
  t.true(statSync(ticks).size > before, 'ticking again');
  t.like((await inspect('ticker')).State, {Status: 'running', Paused: false});
  const not = await engine.docker(['unpause', 'ticker']);
  t.regex(not.stderr, /is not paused/);

  const events = await engine.docker(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=ticker', '--format', '{{.Action}}']);
  t.deepEqual(events.stdout.trim().split('\n').filter((a) => a === 'pause' || a === 'unpause'), ['pause', 'unpause']);
  await engine.docker(['rm', '-f', 'clock']);
});

test.serial('a paused container still stops, dies by kill and goes with rm -f', async (t) => {
  for (const name of ['frozen-stop', 'frozen-kill', 'frozen-rm']) {
    t.is((await engine.docker(['run', '-d', '--name', name, ...ticker])).code, 0);
    t.is((await engine.docker(['pause', name])).code, 0);
  }
  const stop = await engine.docker(['stop', '-t', '1', 'frozen-stop']);
  t.is(stop.code, 0, stop.stderr);
  t.like((await inspect('frozen-stop')).State, {Status: 'exited', Paused: false, Running: false});
  t.is((await engine.docker(['kill', 'frozen-kill'])).code, 0);
  t.is((await engine.docker(['wait', 'frozen-kill'])).stdout.trim(), '137');
  t.like((await inspect('frozen-kill')).State, {Status: 'exited', Paused: false});
  const rm = await engine.docker(['rm', '-f', 'frozen-rm']);
  t.is(rm.code, 0, rm.stderr);
  t.is((await engine.docker(['ps', '-aq', '--filter', 'name=frozen-rm'])).stdout.trim(), '');
});
