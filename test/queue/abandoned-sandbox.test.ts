/**
 * A `lab worker` killed with SIGKILL mid-job cannot remove its sandbox: its engine (labd runs detached), the
 * engine's shims, mounts and dir and its parent cgroup stay. The next worker started on the machine finds that
 * sandbox by its dead owner and removes it before taking jobs: nothing of the first is left, and the run's
 * submissions are all graded by the second.
 */
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {mountsBelow} from '../../src/common/mount-table.js';
import {processAlive} from '../../src/common/process-alive.js';
import {cgroupDirsOf} from '../../src/engine/runtime/cgroups.js';
import {labBin} from '../helpers/cli.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';
import {startRedis} from '../helpers/redis.js';
import {waitFor} from '../helpers/wait.js';
import {makeQueueSubmissions} from './fixtures.js';
import {startWorker, type WorkerProcess} from './worker-process.js';
import {processesUsing} from '../helpers/processes-using.js';

const needs = {'needs root': isRoot, 'needs redis-server': hasCommand('redis-server'), 'needs gcc': hasCommand('gcc'), 'needs runc': hasCommand('runc'), 'needs the docker CLI': hasCommand('docker')};

when(needs, test.serial)('a worker killed with SIGKILL mid-job: the next worker removes its sandbox before taking jobs', async (t) => {
  t.timeout(15 * 60_000);
  const count = 8;
  const fx = makeQueueSubmissions(count);
  const redis = await startRedis('abandoned');
  const workers: WorkerProcess[] = [];
  // The workers' sandboxes go under a temp dir of this test's own: any homework run starting elsewhere on the machine
  // (other test files run at once) also sweeps abandoned sandboxes, and must not be the one that finds this one.
  const scratch = mkdtempSync(join(tmpdir(), 'lab-abandoned-'));
  // Emptied by the second worker when the test passes; a failed run leaves what it found there to look at.
  t.teardown(() => {
    try {
      rmdirSync(scratch);
    } catch {
      // not empty: kept
    }
  });
  try {
    const first = await startWorker(redis.url, ['--concurrency', '1', '--lock-seconds', '6'], {TMPDIR: scratch});
    workers.push(first);
    const out = join(fx.root, 'out');
    const teacher = spawn(process.execPath, [labBin, 'homework', 'check', fx.submissions, '--homework', fx.homework, '--out', out, '--queue', redis.url, '--json'], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}});
    let stderr = '';
    teacher.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    teacher.stdout.resume();
    const closed = new Promise<number>((resolve) => teacher.on('close', (code) => resolve(code ?? -1)));

    // Killed while its slow submission runs (the program sleeps 2 s before it greets).
    await waitFor(() => /› s\d+-slow: running \(on /.test(stderr), {timeoutMs: 10 * 60_000, what: `the worker running the slow submission (${stderr.slice(-1500)})`});
    const [, dir, cgroup] = /starting a private engine in (\S+) under the cgroup (\S+)/.exec(first.log())!;
    const labd = (JSON.parse(readFileSync(join(dir, 'run', 'labd.json'), 'utf8')) as {pid: number}).pid;
    first.child.kill('SIGKILL');
    await waitFor(() => first.exited(), {timeoutMs: 30_000, what: 'the killed worker to be gone'});

    // What it leaves: its engine running on a dir of its own, under a cgroup of its own.
    t.true(processAlive(labd), 'the killed worker\'s engine outlives it');
    t.true(existsSync(dir));
    t.true(cgroupDirsOf(cgroup).some((d) => existsSync(d)));
    t.log(`left by the killed worker: labd ${labd}, ${processesUsing(dir).length} processes naming ${dir}, ${mountsBelow(dir).length} mounts under it`);

    const second = await startWorker(redis.url, ['--concurrency', '2', '--lock-seconds', '6'], {TMPDIR: scratch});
    workers.push(second);
    t.regex(second.log(), new RegExp(`removed ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`), 'the second worker says what it removed');
    t.false(processAlive(labd), 'the engine is gone');
    t.deepEqual(processesUsing(dir), [], 'no process names its dir');
    t.deepEqual(mountsBelow(dir), [], 'nothing is mounted under it');
    t.false(existsSync(dir), 'its dir is gone');
    t.deepEqual(cgroupDirsOf(cgroup).filter((d) => existsSync(d)), [], 'its cgroup is gone');

    // The run goes on with the second worker: every submission graded once, the killed one's too.
    t.is(await closed, 0, stderr.slice(-3000));
    const graded = [...stderr.matchAll(/› (\S+): [\d.]+\/[\d.]+.* \(graded on (\S+)\)\n/g)];
    t.is(new Set(graded.map((m) => m[1])).size, count);
    t.is(graded.length, count);
  } finally {
    await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
    for (const w of workers) await w.removeOrphanSandbox();
    await redis.stop();
    rmSync(fx.root, {recursive: true, force: true});
  }
});
