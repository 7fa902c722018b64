/**
 * `lab grades collect --queue`: a `lab worker` observes each roster student's lab directory (the local provider)
 * and sends the unsigned result back; this machine checks, signs and stores it append-only. The same students
 * collected on this machine alone give the same checks; a student whose lab was never started fails the same way.
 */
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {fileSlug} from '../../src/lab/roster/slug.js';
import {runLab} from '../helpers/cli.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';
import {startRedis} from '../helpers/redis.js';
import {writeJson} from '../gradebook/fixtures.js';
import {startWorker, type WorkerProcess} from './worker-process.js';

function session(dir: string, answers: Record<string, string>) {
  const s = {lab: '26', provider: 'local', envName: 'local', workdir: dir, lang: 'en', student: 'student', startedAt: Math.floor(Date.now() / 1000) - 60, images: {debian: {id: `sha256:${'0'.repeat(64)}`}}, params: {}, baseline: {containers: [], images: []}, answers, progress: {}, hints: {}};
  writeJson(join(dir, '.local', 'state', 'lab', 'sessions', '26.json'), s);
}

when({'needs root': isRoot, 'needs redis-server': hasCommand('redis-server'), 'needs gcc': hasCommand('gcc')}, test.serial)('collect through a worker: observed there, checked, signed and stored here, as a collection on one machine', async (t) => {
  t.timeout(6 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lab-queue-collect-'));
  const redis = await startRedis('queue');
  let worker: WorkerProcess | undefined;
  try {
    const env = {XDG_CONFIG_HOME: join(dir, 'config')};
    const home = (id: string) => join(dir, 'homes', id);
    mkdirSync(home('alice'), {recursive: true});
    writeFileSync(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("Hello"); return 0; }\n');
    execFileSync('gcc', ['-o', join(home('alice'), 'hello_not_static'), join(dir, 'hello.c')]);
    session(home('alice'), {});
    mkdirSync(home('bob'), {recursive: true});
    session(home('bob'), {'compile-in-scratch': 'b'});
    mkdirSync(home('antonín.dvořák'), {recursive: true});
    writeFileSync(join(dir, 'roster.csv'), `id,name,dir\nalice,Alice,${home('alice')}\nbob,Bob,${home('bob')}\nantonín.dvořák,Antonín Dvořák,${home('antonín.dvořák')}\n`);
    const roster = join(dir, 'roster.json');
    t.is((await runLab(['class', 'import', join(dir, 'roster.csv'), '--out', roster], env, 60_000)).code, 0);

    const local = await runLab(['grades', 'collect', '--lab', '26', '--roster', roster, '--provider', 'local', '--store', join(dir, 'local'), '--json'], env, 120_000);
    t.is(local.code, 1, local.stderr);
    worker = await startWorker(redis.url, ['--concurrency', '2']);
    const queued = await runLab(['grades', 'collect', '--lab', '26', '--roster', roster, '--provider', 'local', '--store', join(dir, 'queued'), '--queue', redis.url, '--json'], env, 180_000);
    t.is(queued.code, 1, `one student could not be collected, as on one machine: ${queued.stderr}`);
    type Outcome = {student: string; ok: boolean; score?: number; maxScore?: number; error?: string; file?: string};
    const strip = (o: Outcome) => ({student: o.student, ok: o.ok, score: o.score, maxScore: o.maxScore, error: o.error});
    const a = (JSON.parse(local.stdout) as {outcomes: Outcome[]}).outcomes;
    const b = (JSON.parse(queued.stdout) as {outcomes: Outcome[]}).outcomes;
    t.deepEqual(b.map(strip), a.map(strip));
    t.regex(b.find((o) => o.student === 'antonín.dvořák')!.error!, /lab 26 has not been started/);
    // The worker observed; the stored files are signed on this machine, with the checks one machine sees.
    t.deepEqual(worker.finished().length, 3);
    const checks = (store: string, id: string) => {
      const [file] = readdirSync(join(dir, store, fileSlug(id), '26'));
      const r = JSON.parse(readFileSync(join(dir, store, fileSlug(id), '26', file), 'utf8')) as {tests: {name: string; status: string}[]; extra_data: {source: string}; signature?: object};
      return {source: r.extra_data.source, signed: Boolean(r.signature), tests: r.tests.map((x) => `${x.name}:${x.status}`)};
    };
    for (const id of ['alice', 'bob']) t.deepEqual(checks('queued', id), checks('local', id), id);
    t.is(checks('queued', 'alice').source, 'collected');
    const gb = await runLab(['grades', join(dir, 'queued'), '--roster', roster, '--json'], env, 60_000);
    t.is(gb.code, 0, gb.stderr);
    const rows = (JSON.parse(gb.stdout) as {students: {student: string; labs: Record<string, {trust: string}>}[]}).students;
    t.is(rows.find((r) => r.student === 'bob')!.labs['26'].trust, 'collected', 'the gradebook verifies the signature made here');
  } finally {
    await worker?.stop();
    await redis.stop();
    rmSync(dir, {recursive: true, force: true});
  }
});
