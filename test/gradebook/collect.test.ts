/**
 * `lab grades collect` with the local provider: three students' lab directories on this machine, the real
 * collector (ELF facts of the student's binary, their answers), results signed and stored append-only, and the
 * gradebook trusting them over a forged self-submitted file. Needs `npm run build` and gcc.
 */
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {fileSlug} from '../../src/lab/roster/slug.js';
import {runLab} from '../helpers/cli.js';
import {allChecks26, results26, writeJson} from './fixtures.js';

function session(dir: string, answers: Record<string, string>, progress: object = {}) {
  const s = {lab: '26', provider: 'local', envName: 'local', workdir: dir, lang: 'en', student: 'student', startedAt: Math.floor(Date.now() / 1000) - 60, images: {debian: {id: `sha256:${'0'.repeat(64)}`}}, params: {}, baseline: {containers: [], images: []}, answers, progress, hints: {}};
  writeJson(join(dir, '.local', 'state', 'lab', 'sessions', '26.json'), s);
}

test('collect: each student\'s directory checked by the real collector, signed, stored append-only, trusted by the gradebook', async (t) => {
  t.timeout(4 * 60_000, 'collecting three directories twice and two gradebooks took more than 4 minutes');
  const dir = mkdtempSync(join(tmpdir(), 'lab-collect-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const env = {XDG_CONFIG_HOME: join(dir, 'config')};
  const home = (id: string) => join(dir, 'homes', id);
  // Alice built the dynamic binary of step 1; Bob answered the question; Dvořák never started the lab.
  mkdirSync(home('alice'), {recursive: true});
  writeFileSync(join(dir, 'hello.c'), '#include <stdio.h>\nint main(int c, char **v) { printf("Hello, %s\\n", c > 1 ? v[1] : "world"); return 0; }\n');
  execFileSync('gcc', ['-o', join(home('alice'), 'hello_not_static'), join(dir, 'hello.c')]);
  session(home('alice'), {});
  mkdirSync(home('bob'), {recursive: true});
  // Bob's own copy of the session claims every step passed: collection ignores recorded progress.
  session(home('bob'), {'compile-in-scratch': 'b'}, {'compile-dynamic': {binary: {passedAt: '2025-01-01T00:00:00Z', verdict: {pass: true, observed: 'x', expected: 'x', concept: 'x'}}}});
  mkdirSync(home('antonín.dvořák'), {recursive: true});
  writeFileSync(join(dir, 'roster.csv'), `id,name,dir\nalice,Alice,${home('alice')}\nbob,Bob,${home('bob')}\nantonín.dvořák,Antonín Dvořák,${home('antonín.dvořák')}\n`);
  const roster = join(dir, 'roster.json');
  t.is((await runLab(['class', 'import', join(dir, 'roster.csv'), '--out', roster], env, 60_000)).code, 0);
  const store = join(dir, 'store');

  const first = await runLab(['grades', 'collect', '--lab', '26', '--roster', roster, '--provider', 'local', '--store', store, '--jobs', '2'], env, 120_000);
  t.is(first.code, 1, 'one student could not be collected');
  t.regex(first.stderr, /\[#+\.*\] 3\/3, 1 failed/);
  t.regex(first.stderr, /antonín\.dvořák: FAILED: lab 26 has not been started in this environment/);
  t.regex(first.stdout, /2 of 3 collected into .*; failed: antonín\.dvořák/);
  const again = await runLab(['grades', 'collect', '--lab', '26', '--roster', roster, '--provider', 'local', '--store', store, '--student', 'alice', '--json'], env, 120_000);
  t.is(again.code, 0, again.stderr);
  t.is(readdirSync(join(store, fileSlug('alice'), '26')).length, 2, 'a second collection adds a file, never overwrites');

  // Alice hands in a file of her own with every check passed: it must not count.
  writeJson(join(dir, 'inbox', 'alice', 'lab26-results.json'), results26('alice', allChecks26, new Date(Date.now() + 3_600_000).toISOString()));
  const gb = await runLab(['grades', store, join(dir, 'inbox'), '--roster', roster, '--json'], env, 60_000);
  t.is(gb.code, 0, gb.stderr);
  type Grade = {score: number; trust: string; attempts: number; checks: {name: string; passed: boolean}[]};
  const rows = (JSON.parse(gb.stdout) as {students: {student: string; source: string; labs: Record<string, Grade>}[]}).students;
  const by = (id: string) => rows.find((r) => r.student === id)!;
  const passed = (g: Grade) => g.checks.filter((c) => c.passed).map((c) => c.name.replace(/^.* — /, ''));
  t.is(by('alice').labs['26'].trust, 'collected');
  t.is(by('alice').labs['26'].attempts, 3);
  t.deepEqual(passed(by('alice').labs['26']), ['binary']);
  t.is(by('bob').labs['26'].trust, 'collected');
  t.deepEqual(passed(by('bob').labs['26']), ['answer']);
  t.is(by('antonín.dvořák').source, 'none');
});
