/**
 * `lab homework check` end to end: the built CLI, one private engine, the real docker CLI and gcc, a folder of
 * submissions made here — right, wrong and hostile — and the results it adds to the append-only store.
 */
import test from 'ava';
import {createHash} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {spawn} from 'node:child_process';
import {cgroupDirsOf} from '../../src/engine/runtime/cgroups.js';
import {fileSlug} from '../../src/lab/roster/slug.js';
import {labBin, runLab} from '../helpers/cli.js';
import {makeSubmissions} from './fixtures.js';

interface Test {name: string; score: number; max_score: number; status: string; output: string; tags: string[]}
interface Results {score: number; tests: Test[]; extra_data: {lab: string; student: string; provider: string; submittedAt?: string; checkedAt: string; handIn: {source: string}; maxScore: number}}

const shadowHash = () => createHash('sha256').update(readFileSync('/etc/shadow')).digest('hex');

test('each student is graded in the sandbox; hostile ones fail their checks and the run goes on', async (t) => {
  // Nine students built and run one after another in a private engine, which is given 4 minutes.
  t.timeout(6 * 60_000, 'grading the nine submissions ran past 6 minutes');
  const subs = makeSubmissions();
  const out = mkdtempSync(join(tmpdir(), 'lab-homework-out-'));
  const shadow = shadowHash();
  t.teardown(() => {
    rmSync(subs, {recursive: true, force: true});
    rmSync(out, {recursive: true, force: true});
  });
  const r = await runLab(['homework', 'check', subs, '--lab', '26', '--out', out, '--json', '--jobs', '2'], {}, 240_000);
  t.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {students: Array<{student: string; score: number; rejected?: string; file?: string}>};
  t.regex(r.stderr, /alice: 10\/10/);

  // The private engine, its mounts and its temp dir are gone; the host's shadow file is as it was.
  const sandbox = /starting a private engine in (\S+)/.exec(r.stderr)![1];
  t.false(existsSync(sandbox));
  const parent = /under the cgroup (\S+)/.exec(r.stderr)![1];
  t.deepEqual(cgroupDirsOf(parent).filter((d) => existsSync(d)), [], 'the sandbox\'s cgroup is gone from every hierarchy');
  t.false(readFileSync('/proc/mounts', 'utf8').includes(sandbox));
  const procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  });
  t.false(procs.some((c) => c.includes(sandbox)), 'no process of the sandbox is left');
  t.is(shadowHash(), shadow);

  // Any name is a student id; its folder in the store gets a safe name of its own, one attempt in it.
  t.like(report.students.find((s) => s.student === 'bad name!'), {score: 1});
  const names = ['alice', 'bob-dynamic', 'carol-broken', 'dave-escape', 'erin-forkbomb', 'frank-loop', 'grace-memory', 'henry-buildbomb', 'ivan-flood'];
  t.deepEqual(readdirSync(out).sort(), [...names, 'bad name!'].map(fileSlug).sort());
  const fileOf = (s: string) => {
    const dir = join(out, fileSlug(s), '26-homework');
    const files = readdirSync(dir);
    t.is(files.length, 1, `one attempt stored for ${s}`);
    t.is(join(dir, files[0]), report.students.find((x) => x.student === s)!.file);
    return join(dir, files[0]);
  };
  const results = (s: string) => JSON.parse(readFileSync(fileOf(s), 'utf8')) as Results;
  const check = (s: string, id: string) => results(s).tests.find((x) => x.name.endsWith(`— ${id}`))!;
  const failed = (s: string) => results(s).tests.filter((x) => x.status === 'failed').map((x) => x.name.split(' — ')[1]);

  // The same shape `lab submit` writes, with the sandbox as its provider.
  const alice = results('alice');
  t.is(alice.score, 10);
  t.like(alice.extra_data, {lab: '26', student: 'alice', provider: 'sandbox', maxScore: 10});
  t.like(alice as unknown as Record<string, unknown>, {extra_data: {source: 'sandbox', kind: 'homework'}, signature: {algorithm: 'Ed25519'}}, 'the sandbox signs what it writes');
  // A folder named by the student's id is no LMS record: when it was handed in is unknown, and said so; the
  // check's own time is kept apart, never passed off as the hand-in.
  t.true(Math.abs(Date.parse(alice.extra_data.checkedAt) - Date.now()) < 120_000);
  t.is(alice.extra_data.submittedAt, undefined);
  t.is(alice.extra_data.handIn.source, 'unknown');
  for (const x of alice.tests) t.like(x, {status: 'passed', score: x.max_score});
  t.regex(check('alice', 'static').output, /\/hello is statically linked/);
  t.regex(check('alice', 'runs').output, /printed "Hello, World!" and exited 0/);
  t.regex(check('alice', 'builds').output, /Step 2\/3 : COPY hello \/hello/);

  // Dynamic: it builds, but the program needs a loader that a scratch image does not have.
  t.deepEqual(failed('bob-dynamic'), ['static', 'runs']);
  t.regex(check('bob-dynamic', 'static').output, /dynamically linked \(interpreter \/lib64\/ld-linux[^)]*\).*link with gcc -static/);
  t.regex(check('bob-dynamic', 'runs').output, /exited 127: .*exec \/hello: no such file or directory/);

  // A build that fails names the Dockerfile's line.
  t.regex(check('carol-broken', 'builds').output, /the build failed: Dockerfile:3: COPY failed: .*helo\.txt/);
  t.regex(check('carol-broken', 'runs').output, /not evaluated: the image did not build \(Dockerfile:3: COPY failed: .*helo\.txt/);
  t.is(results('carol-broken').score, 1);

  // Hostile: the link to /etc/shadow is not followed, and the engine refuses a COPY out of the context.
  t.regex(check('dave-escape', 'submission').output, /shadow: a symlink to \/etc\/shadow, not followed and left out/);
  t.regex(check('dave-escape', 'builds').output, /Dockerfile:2: COPY failed: .*\.\.\/\.\.\/etc\/passwd/);
  t.is(results('dave-escape').score, 0);
  for (const s of ['dave-escape', 'erin-forkbomb']) t.false(readFileSync(fileOf(s), 'utf8').includes(readFileSync('/etc/shadow', 'utf8').split('\n')[0]));

  // Fork bomb, endless loop, memory without end: each stopped by its limit, each a failed run with the reason.
  t.deepEqual(failed('erin-forkbomb'), ['submission', 'runs']);
  // Which limit stops a fork bomb first depends on the machine: the pids limit (then time) or the memory its processes take.
  // (When the time runs out just as the container ends, there are no processes left to count; when another job's
  // build holds the sandbox's shared process limit, the bomb stops below its own.)
  t.regex(check('erin-forkbomb', 'runs').output, /still running after 5 s( with \d+ processes, at the pids limit \(a fork bomb\?\)| with \d+ processes \(a program that forks without end\?\))?: the container was killed|killed by the kernel's OOM killer/);
  t.regex(check('frank-loop', 'runs').output, /still running after 5 s .*an endless loop\?.*killed/);
  t.regex(check('grace-memory', 'runs').output, /killed by the kernel's OOM killer: it used more than its 32 MiB/);
  t.regex(check('ivan-flood', 'runs').output, /still running after 5 s.*killed/);
  t.regex(check('ivan-flood', 'runs').output, /spam spam/);
  t.true(statSync(fileOf('ivan-flood')).size < 64 * 1024, 'what a flood printed is kept to a bounded size');
  for (const s of ['frank-loop', 'grace-memory', 'ivan-flood']) t.deepEqual(failed(s), ['runs']);

  // A RUN step that forks as far as it can is stopped by the sandbox's own process limit (4 x 16 per job, 2 jobs), far below 1000.
  const forked = Number(/forked (\d+)/.exec(check('henry-buildbomb', 'builds').output)?.[1]);
  t.true(forked > 0 && forked < 128, `a build step forked ${forked} times`);

  // The teacher's gradebook reads these files as it reads `lab submit`'s, and says where they come from.
  const gb = await runLab(['grades', out, '--json']);
  t.is(gb.code, 0, gb.stderr);
  const book = JSON.parse(gb.stdout) as {source: string; students: Array<{student: string; source: string; total: number}>};
  t.is(book.source, 'signed', 'every grade carries a valid signature of the teacher\'s key');
  t.like(book.students.find((s) => s.student === 'alice'), {source: 'sandbox', total: 10});
  t.is(book.students.length, 10);
});

test('--help, an empty folder, and a lab without homework', async (t) => {
  const r = await runLab(['homework', 'check', '--help']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /--lab/);
  const none = mkdtempSync(join(tmpdir(), 'lab-homework-empty-'));
  t.teardown(() => rmSync(none, {recursive: true, force: true}));
  const empty = await runLab(['homework', 'check', none, '--lab', '26']);
  t.is(empty.code, 0, empty.stderr);
  t.regex(empty.stdout, /No submissions found/);
  const bad = await runLab(['homework', 'check', none, '--lab', 'arch']);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /lab arch has no homework/);
  const noRoster = await runLab(['homework', 'check', none, '--lab', '26', '--roster', join(none, 'roster.json')]);
  t.is(noRoster.code, 2);
  t.regex(noRoster.stderr.replace(/\s*\n\s*›?\s*/g, ' '), /roster\.json: ENOENT.*\(make one with: lab class import EXPORT\.csv\)/);
});

test('Ctrl-C stops the run: the engine, its mounts and its temp dir go, and no half-checked student is graded', async (t) => {
  // A private engine started, one submission built and run, then the clean-up after Ctrl-C.
  t.timeout(5 * 60_000, 'the interrupted homework run did not end within 5 minutes');
  const subs = makeSubmissions();
  const out = mkdtempSync(join(tmpdir(), 'lab-homework-out-'));
  t.teardown(() => {
    rmSync(subs, {recursive: true, force: true});
    rmSync(out, {recursive: true, force: true});
  });
  for (const s of readdirSync(subs)) if (s !== 'frank-loop') rmSync(join(subs, s), {recursive: true});
  const child = spawn(process.execPath, [labBin, 'homework', 'check', subs, '--lab', '26', '--out', out], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}});
  let stderr = '';
  let interrupted = false;
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!interrupted && stderr.includes('frank-loop: running')) {
        interrupted = true;
        // A user who presses Ctrl-C twice: the second one must not cut the clean-up short.
        setTimeout(() => child.kill('SIGINT'), 500);
        setTimeout(() => child.kill('SIGINT'), 900);
      }
    });
    child.on('close', resolve);
  });
  t.is(code, 130, stderr);
  t.regex(stderr, /SIGINT: stopping the sandbox engine/);
  const sandbox = /starting a private engine in (\S+)/.exec(stderr)![1];
  t.false(existsSync(sandbox));
  t.false(readFileSync('/proc/mounts', 'utf8').includes(sandbox));
  t.deepEqual(readdirSync(out), []);
});
