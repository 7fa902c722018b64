/**
 * What SIGTERM to the daemon (`lab engine stop`, `systemctl stop docker`) does to running containers, as with
 * dockerd: without daemon.json `live-restore` they are stopped (stop signal, SIGKILL after their stop timeout,
 * the exits recorded); with it they keep running and are adopted at the next start. /info says which.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {parseConfigFile} from '../../src/engine/config/daemon-config.js';
import {makePrivateEngine, type PrivateEngine} from '../../src/engine/control/private-engine.js';
import {busyboxArchive} from '../helpers/busybox.js';
import {runCommand} from '../helpers/cli.js';

async function engineWith(daemonJson: Record<string, unknown>): Promise<{engine: PrivateEngine; docker: (args: string[]) => ReturnType<typeof runCommand>}> {
  const engine = makePrivateEngine({prefix: 'lab-engine-', daemonJson});
  await engine.start();
  const docker = (args: string[]) => runCommand('docker', args, engine.dockerEnv);
  const bb = await busyboxArchive('docker');
  const load = await docker(['load', '-i', bb.path]);
  if (load.code !== 0) throw new Error(load.stderr);
  return {engine, docker};
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test('live-restore is validated like the rest of daemon.json', (t) => {
  t.is(parseConfigFile('daemon.json', '{"live-restore": true}')['live-restore'], true);
  t.throws(() => parseConfigFile('daemon.json', '{"live-restore": "yes"}'), {message: /key "live-restore": must be boolean/});
});

test('without live-restore, stopping the daemon stops its containers and records their exits', async (t) => {
  const {engine, docker} = await engineWith({});
  try {
    t.false(JSON.parse((await docker(['info', '--format', '{{json .LiveRestoreEnabled}}'])).stdout));
    t.is((await docker(['run', '-d', '--name', 'polite', 'busybox', 'sh', '-c', 'trap "exit 3" TERM; while true; do sleep 0.1; done'])).code, 0);
    t.is((await docker(['run', '-d', '--name', 'stubborn', '--stop-timeout', '1', 'busybox', 'sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done'])).code, 0);
    t.is((await docker(['run', '-d', '--name', 'comes-back', '--restart', 'unless-stopped', 'busybox', 'sleep', '600'])).code, 0);
    const pids = await Promise.all(['polite', 'stubborn', 'comes-back'].map(async (n) => Number((await docker(['inspect', '-f', '{{.State.Pid}}', n])).stdout.trim())));
    await engine.stop();
    for (const pid of pids) t.false(alive(pid), `process ${pid} ended with the daemon`);

    await engine.start();
    const state = async (n: string) => JSON.parse((await docker(['inspect', n])).stdout)[0].State;
    t.like(await state('polite'), {Status: 'exited', ExitCode: 3});
    t.like(await state('stubborn'), {Status: 'exited', ExitCode: 137});
    // A shutdown is not a `docker stop`: the policy brings this one back with the daemon.
    let back = await state('comes-back');
    for (let i = 0; i < 100 && !back.Running; i++) {
      await new Promise((r) => setTimeout(r, 100));
      back = await state('comes-back');
    }
    if (!back.Running) t.log(readFileSync(join(engine.execRoot, 'labd.log'), 'utf8').split('\n').slice(-40).join('\n'));
    t.true(back.Running, JSON.stringify(back));
  } finally {
    await engine.dispose();
  }
});

test('with live-restore, containers run on while the daemon is stopped and are adopted when it starts', async (t) => {
  const {engine, docker} = await engineWith({'live-restore': true});
  try {
    t.true(JSON.parse((await docker(['info', '--format', '{{json .LiveRestoreEnabled}}'])).stdout));
    t.is((await docker(['run', '-d', '--name', 'kept', 'busybox', 'sleep', '600'])).code, 0);
    const pid = Number((await docker(['inspect', '-f', '{{.State.Pid}}', 'kept'])).stdout.trim());
    await engine.stop();
    t.true(alive(pid), 'the container outlived the daemon');
    await engine.start();
    const state = JSON.parse((await docker(['inspect', 'kept'])).stdout)[0].State;
    t.like(state, {Running: true, Pid: pid});
    t.is((await docker(['exec', 'kept', 'echo', 'adopted'])).stdout, 'adopted\n');
  } finally {
    await engine.dispose();
  }
});
