/** The private-engine helper: an engine in a temp dir that dispose() removes with its containers, mounts and dir. */
import {existsSync} from 'node:fs';
import test from 'ava';
import {makePrivateEngine} from '../../src/engine/control/private-engine.js';
import {readState} from '../../src/engine/control/engine-process.js';
import {mountsBelow} from '../../src/common/mount-table.js';
import {processAlive} from '../../src/common/process-alive.js';
import {busyboxArchive} from '../helpers/busybox.js';
import {runCommand} from '../helpers/cli.js';

// A zombie has ended: labd is this process's child, collected by node a moment after it exits.
const alive = processAlive;

test('dispose removes the running containers, stops the engine, unmounts and removes the dir', async (t) => {
  const engine = makePrivateEngine({prefix: 'lab-private-'});
  try {
    const state = await engine.start();
    t.true(existsSync(engine.socket));
    const docker = (args: string[]) => runCommand('docker', args, engine.dockerEnv, 120_000);
    t.is((await docker(['load', '-i', (await busyboxArchive('docker')).path])).code, 0);
    const run = await docker(['run', '-d', 'busybox', 'sleep', '600']);
    t.is(run.code, 0, run.stderr);
    const pid = (await engine.client.inspectContainer(run.stdout.trim())).State.Pid;
    t.true(alive(pid));
    t.true(mountsBelow(engine.dir).length > 0, 'the running container has its rootfs mounted under the dir');
    await engine.dispose();
    t.false(alive(pid), 'the container\'s process is gone with it');
    t.false(alive(state.pid), 'labd has stopped');
    t.false(existsSync(engine.dir));
    t.deepEqual(mountsBelow(engine.dir), []);
    t.is(readState(engine.execRoot), undefined);
  } finally {
    await engine.dispose();
  }
});

test('dispose of an engine that never started removes its dir', async (t) => {
  const engine = makePrivateEngine({prefix: 'lab-private-'});
  t.true(existsSync(engine.configFile));
  await engine.dispose();
  t.false(existsSync(engine.dir));
});
