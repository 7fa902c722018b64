/**
 * Grading spread over workers: a real redis-server on a loopback port of the test's own, three `lab worker`
 * processes, and `lab homework check --queue` grading 60 submissions; one worker is killed with SIGKILL while it
 * runs a submission. That job goes to another worker (BullMQ's stalled-job check), every submission is graded and
 * stored exactly once, signed, and the grades are those of the same submissions graded on one machine.
 */
import {spawn} from 'node:child_process';
import {readdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {checkSignature, teacherKey} from '../../src/lab/gradebook/signing.js';
import {labBin, runLab} from '../helpers/cli.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';
import {startRedis} from '../helpers/redis.js';
import {waitFor} from '../helpers/wait.js';
import {makeQueueSubmissions} from './fixtures.js';
import {startWorker, type WorkerProcess} from './worker-process.js';

interface Report {
  students: Array<{student: string; score: number; rejected?: string; checks: Array<{id: string; pass: boolean}>; flags: string[]}>;
}

const byStudent = (r: Report) => new Map(r.students.map((s) => [s.student, {score: s.score, checks: s.checks.map((c) => `${c.id}:${c.pass}`).join(' '), flags: s.flags.length}]));

const needs = {'needs root': isRoot, 'needs redis-server': hasCommand('redis-server'), 'needs gcc': hasCommand('gcc'), 'needs runc': hasCommand('runc'), 'needs the docker CLI': hasCommand('docker')};

when(needs, test.serial)('three workers grade 60 submissions, one killed with SIGKILL mid-job: each graded once, as on one machine', async (t) => {
  t.timeout(20 * 60_000);
  const count = 60;
  const fx = makeQueueSubmissions(count);
  const redis = await startRedis('queue');
  const workers: WorkerProcess[] = [];
  try {
    const local = await runLab(['homework', 'check', fx.submissions, '--homework', fx.homework, '--out', join(fx.root, 'out-local'), '--json'], {}, 15 * 60_000);
    t.is(local.code, 0, local.stderr.slice(-3000));
    const one = byStudent(JSON.parse(local.stdout) as Report);
    t.is(one.size, count);

    // Short locks, so the killed worker's job is taken again within seconds rather than a minute.
    for (let i = 0; i < 3; i++) workers.push(await startWorker(redis.url, ['--concurrency', '1', '--lock-seconds', '6']));
    const out = join(fx.root, 'out-queue');
    const teacher = spawn(process.execPath, [labBin, 'homework', 'check', fx.submissions, '--homework', fx.homework, '--out', out, '--queue', redis.url, '--json'], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}});
    let stdout = '';
    let stderr = '';
    teacher.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    teacher.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number>((resolve) => teacher.on('close', (code) => resolve(code ?? -1)));

    // The victim: the first worker seen running a slow submission (its program sleeps 2 s before it greets).
    const running = await waitFor(() => /› (s\d+-slow): running \(on (\S+)\)/.exec(stderr), {timeoutMs: 10 * 60_000, what: `a worker running a slow submission (${stderr.slice(-1500)})`});
    const [, victimStudent, victimId] = running;
    const victim = workers.find((w) => w.id === victimId)!;
    t.truthy(victim, `the worker ${victimId} is one of ours`);
    victim.child.kill('SIGKILL');
    await waitFor(() => victim.exited(), {timeoutMs: 30_000, what: 'the killed worker to be gone'});
    const unfinished = victim.started().filter((id) => !victim.finished().includes(id));
    t.is(unfinished.length, 1, `the killed worker was in the middle of one job: ${victim.log()}`);

    const code = await closed;
    t.is(code, 0, stderr.slice(-3000));
    const queued = byStudent(JSON.parse(stdout) as Report);

    // The job it held went to another worker, and was finished there once.
    const survivors = workers.filter((w) => w !== victim);
    t.deepEqual(survivors.filter((w) => w.finished().includes(unfinished[0])).length, 1, 'one other worker finished the killed worker\'s job');
    const gradedOn = [...stderr.matchAll(/› (\S+): [\d.]+\/[\d.]+.* \(graded on (\S+)\)\n/g)];
    t.is(gradedOn.find((m) => m[1] === victimStudent)?.[2] !== victimId, true, `${victimStudent} graded elsewhere than on the killed worker`);
    // Each submission stored exactly once: one "graded on" line per student, one results file each.
    const perStudent = new Map<string, number>();
    for (const m of gradedOn) perStudent.set(m[1], (perStudent.get(m[1]) ?? 0) + 1);
    t.is(perStudent.size, count);
    t.deepEqual([...perStudent.values()].filter((n) => n !== 1), [], 'no student stored twice');
    const finishedJobs = workers.flatMap((w) => w.finished());
    t.is(finishedJobs.length, count, 'as many jobs finished as there are submissions');
    t.is(new Set(finishedJobs).size, count, 'no job finished twice');
    t.true(new Set(survivors.flatMap((w) => w.finished())).size >= 2, 'both surviving workers graded');

    // The grades, check by check, are those of the one-machine run.
    t.deepEqual(queued, one);
    // The results store: <out>/<student>/<lab>-homework/<time>-<hash>-results.json, one attempt each here.
    const files = (readdirSync(out, {recursive: true}) as string[]).filter((f) => f.endsWith('-results.json'));
    t.is(files.length, count);
    const key = teacherKey(false);
    for (const f of files) {
      const result = JSON.parse(readFileSync(join(out, f), 'utf8'));
      t.deepEqual(checkSignature(result, key), {valid: true}, f);
      t.is(result.extra_data.source, 'sandbox');
    }
    // Nothing of the run left on the queue: each job is removed once its result is stored.
    const left = await redis.client().keys('bull:lab-grading:hw-*');
    t.deepEqual(left, []);
  } finally {
    await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
    for (const w of workers) await w.removeOrphanSandbox();
    await redis.stop();
    rmSync(fx.root, {recursive: true, force: true});
  }
});
