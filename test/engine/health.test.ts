/**
 * Health checks through the stock docker CLI: an image's HEALTHCHECK and `docker run --health-*` run inside the
 * container every interval; ps, inspect, filters and events follow starting → healthy → unhealthy.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {busyboxEngine} from '../helpers/busybox-engine.js';
import {waitFor} from '../helpers/wait.js';

const engine = busyboxEngine(test);

type HealthState = {Status: string; FailingStreak: number; Log: Array<{ExitCode: number; Output: string}>};
const health = async (name: string) => JSON.parse((await engine.docker(['inspect', '-f', '{{json .State.Health}}', name])).stdout) as HealthState | null;

function until(name: string, status: string, ms = 15_000): Promise<HealthState | null> {
  return waitFor(() => health(name), {until: (h) => h?.Status === status, timeoutMs: ms, intervalMs: 100, what: `${name} to be ${status}`});
}

test.serial('--health-cmd: starting, then healthy while the file is there, unhealthy after three failures', async (t) => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const run = await engine.docker(['run', '-d', '--name', 'checked', '--health-cmd', 'test -e /tmp/ok && echo fine', '--health-interval', '1s', '--health-retries', '3', 'busybox', 'sh', '-c', 'touch /tmp/ok; sleep 600']);
  t.is(run.code, 0, run.stderr);
  t.regex((await engine.docker(['ps', '--format', '{{.Status}}', '--filter', 'name=checked'])).stdout, /\(health: starting\)/);
  const healthy = await until('checked', 'healthy');
  t.is(healthy?.Status, 'healthy');
  t.like(healthy?.Log.at(-1), {ExitCode: 0, Output: 'fine\n'});
  t.is((await engine.docker(['ps', '--filter', 'health=healthy', '--format', '{{.Names}}'])).stdout.trim(), 'checked');
  t.regex((await engine.docker(['ps', '--format', '{{.Status}}', '--filter', 'name=checked'])).stdout, /^Up .* \(healthy\)$/m);

  t.is((await engine.docker(['exec', 'checked', 'rm', '/tmp/ok'])).code, 0);
  const unhealthy = await until('checked', 'unhealthy');
  t.is(unhealthy?.Status, 'unhealthy');
  t.true(unhealthy!.FailingStreak >= 3);
  t.true(unhealthy!.Log.length <= 5, 'the last five probes are kept');
  const events = await engine.docker(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=checked', '--format', '{{.Action}}']);
  t.deepEqual(events.stdout.split('\n').filter((a) => a.startsWith('health_status')), ['health_status: healthy', 'health_status: unhealthy']);
});

test.serial('an image\'s HEALTHCHECK applies to its containers; a probe past its timeout fails', async (t) => {
  const context = join(engine.dir, 'health-context');
  mkdirSync(context, {recursive: true});
  writeFileSync(join(context, 'Dockerfile'), 'FROM busybox\nHEALTHCHECK --interval=300ms --timeout=500ms --retries=1 CMD sleep 5\n');
  t.is((await engine.docker(['build', '-q', '-t', 'slow-check', context])).code, 0);
  t.is((await engine.docker(['run', '-d', '--name', 'slow', 'slow-check', 'sleep', '600'])).code, 0);
  const h = await until('slow', 'unhealthy');
  t.is(h?.Status, 'unhealthy');
  t.like(h?.Log.at(-1), {ExitCode: -1, Output: 'Health check exceeded timeout (0.5s)'});
  t.is((await engine.docker(['run', '-d', '--name', 'from-image', '--no-healthcheck', 'slow-check', 'sleep', '600'])).code, 0);
  t.is(await health('from-image'), null, '--no-healthcheck turns the image\'s check off');
});
