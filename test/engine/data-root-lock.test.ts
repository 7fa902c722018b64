/**
 * One daemon per data-root, as with dockerd: a second labd on the same data-root (its own exec-root, pid file
 * and socket) refuses to start, names the data-root and the first daemon's pid, and leaves the first one's
 * running containers alone.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {stopEngineProcess} from '../../src/engine/control/engine-process.js';
import {busyboxArchive} from '../helpers/busybox.js';
import {runLab} from '../helpers/cli.js';
import {startTestEngine} from '../helpers/engine.js';

test('a second daemon on the same data-root refuses to start; the first one\'s container runs on', async (t) => {
  const engine = await startTestEngine();
  const secondRun = join(engine.dir, 'second-run');
  try {
    const bb = await busyboxArchive('docker');
    t.is((await engine.docker(['load', '-i', bb.path])).code, 0);
    const run = await engine.docker(['run', '-d', '--name', 'first', 'busybox', 'sleep', '600']);
    t.is(run.code, 0, run.stderr);
    const firstPid = Number(readFileSync(`${engine.execRoot}.pid`, 'utf8'));

    const second = await runLab([
      'engine', 'start', '--data-root', engine.dataRoot, '--exec-root', secondRun,
      '-H', `unix://${join(engine.dir, 'second.sock')}`, '--config-file', join(engine.dir, 'daemon.json'),
    ]);
    t.not(second.code, 0, 'the second daemon started');
    // The CLI wraps long error lines behind a margin; the message is read as one line.
    const said = second.stderr.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ');
    t.regex(said, new RegExp(`data-root ${engine.dataRoot} is in use by another daemon: process ${firstPid} holds the lock`));

    const inspect = JSON.parse((await engine.docker(['inspect', 'first'])).stdout)[0];
    t.true(inspect.State.Running, inspect.State.Status);
    t.is(inspect.State.ExitCode, 0);
    const exec = await engine.docker(['exec', 'first', 'echo', 'still here']);
    t.is(exec.stdout, 'still here\n', exec.stderr);
  } finally {
    await stopEngineProcess(secondRun).catch(() => undefined);
    await engine.stop();
  }
});

test('the lock goes with the daemon: a daemon killed with -9 does not block the next start', async (t) => {
  const engine = await startTestEngine();
  try {
    process.kill(Number(readFileSync(`${engine.execRoot}.pid`, 'utf8')), 'SIGKILL');
    await engine.restart();
    const version = await engine.docker(['version', '--format', '{{.Server.Version}}']);
    t.is(version.code, 0, version.stderr);
  } finally {
    await engine.stop();
  }
});
