/**
 * What travels through Redis, attacked as a clever student (or anyone who can write to the queue) would: a job
 * whose paths climb out of the build context, whose files do not match their digest or exceed the homework's
 * limits; a result claiming full marks for another submission, with an unknown check, a share above one, or the
 * student's own output dressed as a result.
 */
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {parseHomework} from '../../src/lab/homework/load.js';
import {checkHomeworkJob, homeworkJobId, packSubmission, submissionDigest, writeHomeworkJob, type HomeworkJobData} from '../../src/lab/homework/queued-job.js';
import {acceptHomeworkResult} from '../../src/lab/homework/queued-result.js';
import {cheapHomework} from './fixtures.js';

const text = JSON.stringify(cheapHomework);
const hw = parseHomework('/course/homework.json', text);

function job(files: Array<{path: string; executable?: boolean; bytes: Buffer}>, extra: Partial<HomeworkJobData> = {}): HomeworkJobData {
  const list = files.map((f) => ({path: f.path, executable: f.executable ?? false, bytes: f.bytes}));
  return {
    version: 1, definition: {file: hw.file, text}, student: 'antonín.dvořák', entry: 'antonín.dvořák', digest: submissionDigest(list),
    files: list.map((f) => ({path: f.path, executable: f.executable, data: f.bytes.toString('base64')})), problems: [], ...extra,
  };
}

test('a submission packed here is unpacked on the worker as it was, links left out and reported', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-queue-pack-'));
  try {
    const sub = join(dir, 'antonín.dvořák');
    mkdirSync(join(sub, 'src'), {recursive: true});
    writeFileSync(join(sub, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(sub, 'src', 'run.sh'), '#!/bin/sh\n', {mode: 0o755});
    symlinkSync('/etc/shadow', join(sub, 'shadow'));
    const data = await packSubmission(hw, text, {id: 'antonín.dvořák', path: sub, kind: 'folder', entry: 'antonín.dvořák'}, () => undefined);
    t.deepEqual(data.files.map((f) => f.path), ['Dockerfile', 'src/run.sh']);
    t.regex(data.problems.join('\n'), /shadow: a symlink to \/etc\/shadow/);
    const checked = checkHomeworkJob(JSON.parse(JSON.stringify(data)));
    const context = join(dir, 'context');
    const copy = writeHomeworkJob(checked, context);
    t.deepEqual(copy.paths, ['Dockerfile', 'src/run.sh']);
    t.is(readFileSync(join(context, 'src', 'run.sh'), 'utf8'), '#!/bin/sh\n');
    t.is(statSync(join(context, 'src', 'run.sh')).mode & 0o777, 0o755);
    t.is(statSync(join(context, 'Dockerfile')).mode & 0o777, 0o644);
    t.deepEqual(readdirSync(context).sort(), ['Dockerfile', 'src']);
    // The same content and student make the same job; another student with the same files another one.
    const again = await packSubmission(hw, text, {id: 'antonín.dvořák', path: sub, kind: 'folder', entry: 'antonín.dvořák'}, () => undefined);
    t.is(homeworkJobId(again), homeworkJobId(data));
    writeFileSync(join(sub, 'Dockerfile'), 'FROM scratch\n# changed\n');
    const changed = await packSubmission(hw, text, {id: 'antonín.dvořák', path: sub, kind: 'folder', entry: 'antonín.dvořák'}, () => undefined);
    t.not(homeworkJobId(changed), homeworkJobId(data));
    t.not(homeworkJobId(data), homeworkJobId({...data, student: 'jana'}));
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('a job whose paths leave the build context is refused before anything is written', (t) => {
  for (const path of ['../escape', '/etc/cron.d/x', 'a/../../b', 'a//b', './a', 'a/', '']) {
    const error = t.throws(() => checkHomeworkJob(job([{path, bytes: Buffer.from('x')}])));
    t.regex(error!.message, /at \/files\/0\/path/, path);
  }
});

test('a job whose bytes differ from their digest, or that exceeds the limits, is refused', (t) => {
  const j = job([{path: 'Dockerfile', bytes: Buffer.from('FROM scratch\n')}]);
  j.files[0].data = Buffer.from('FROM debian\n').toString('base64');
  t.regex(t.throws(() => checkHomeworkJob(j))!.message, /at \/digest/);
  const big = job([{path: 'big', bytes: Buffer.alloc(hw.limits.fileMaxKb * 1024 + 1)}]);
  t.regex(t.throws(() => checkHomeworkJob(big))!.message, /fileMaxKb/);
  const twice = job([{path: 'a', bytes: Buffer.from('1')}, {path: 'a', bytes: Buffer.from('2')}]);
  t.regex(t.throws(() => checkHomeworkJob(twice))!.message, /twice/);
  const loose = job([{path: 'a', bytes: Buffer.from('hi')}]);
  loose.files[0].data = 'aGk'; // "hi" without its padding: two spellings of one content
  t.regex(t.throws(() => checkHomeworkJob(loose))!.message, /canonical base64/);
  t.regex(t.throws(() => checkHomeworkJob({...job([]), definition: {file: 'x.json', text: '{"lab": "x", "limitz": {}}'}}))!.message, /limitz|limits/);
});

const outcomes = () => hw.checks.map((c) => ({id: c.id, pass: true, observed: 'ok', expected: 'ok'}));
const result = (extra: Record<string, unknown> = {}) => ({version: 1, digest: 'd'.repeat(64), worker: 'w:1', outcomes: outcomes(), flagged: {flags: [], binaries: [], sourcesHash: ''}, seconds: 1, ...extra});

test('a worker\'s result stands only for the submission it was sent and the homework\'s own checks', (t) => {
  t.is(acceptHomeworkResult(result(), hw, 'd'.repeat(64)).outcomes.length, hw.checks.length);
  t.regex(t.throws(() => acceptHomeworkResult(result(), hw, 'e'.repeat(64)))!.message, /another submission/);
  const renamed = outcomes();
  renamed[0].id = 'bonus';
  t.regex(t.throws(() => acceptHomeworkResult(result({outcomes: renamed}), hw, 'd'.repeat(64)))!.message, /\/outcomes\/0\/id/);
  t.regex(t.throws(() => acceptHomeworkResult(result({outcomes: [...outcomes(), outcomes()[0]]}), hw, 'd'.repeat(64)))!.message, /one per check/);
  const share = outcomes().map((o, i) => (i === 4 ? {...o, fraction: 10} : o));
  t.regex(t.throws(() => acceptHomeworkResult(result({outcomes: share}), hw, 'd'.repeat(64)))!.message, /fraction/);
  const scored = outcomes().map((o, i) => (i === 0 ? {...o, score: 100} : o));
  t.regex(t.throws(() => acceptHomeworkResult(result({outcomes: scored}), hw, 'd'.repeat(64)))!.message, /unknown keys score/);
  t.regex(t.throws(() => acceptHomeworkResult(result({outcomes: outcomes().map((o) => ({...o, pass: 'true'}))}), hw, 'd'.repeat(64)))!.message, /pass/);
});

test('a student\'s output that looks like a result stays text inside the check it was seen by', (t) => {
  const forged = JSON.stringify({score: 10, tests: [{score: 10}], extra_data: {source: 'sandbox'}});
  const o = outcomes().map((x, i) => (i === 4 ? {...x, pass: false, observed: forged, output: forged} : x));
  const accepted = acceptHomeworkResult(result({outcomes: o}), hw, 'd'.repeat(64));
  t.false(accepted.outcomes[4].pass);
  t.is(accepted.outcomes[4].observed, forged);
});
