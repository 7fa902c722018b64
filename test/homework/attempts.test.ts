/**
 * Homework from a Canvas "Download Submissions" archive, graded twice: the files Canvas puts side by side
 * (`<name>[_LATE]_<user id>_<submission id>_<file>`) are gathered per student and mapped to the roster by Canvas's
 * user id; a LATE mark is flagged; every run adds an attempt to the append-only store (nothing overwritten), and
 * the gradebook's policy picks the one that counts (best, last, last before the deadline), as for labs, into the
 * Canvas import file.
 */
import test from 'ava';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileSlug} from '../../src/lab/roster/slug.js';
import {runLab} from '../helpers/cli.js';
import {busyboxGreeting} from './busybox-greeting.js';

const homework = busyboxGreeting('week4', 4);

interface Row {student: string; labs: Record<string, {score: number; attempts: number; trust: string}>}

test('Canvas downloads are mapped to the roster, and each run adds an attempt the policy chooses from', async (t) => {
  t.timeout(8 * 60_000, 'two homework runs of two students and three gradebooks took more than 8 minutes');
  const dir = mkdtempSync(join(tmpdir(), 'teachers-homework-attempts-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const env = {XDG_CONFIG_HOME: join(dir, 'config')};
  writeFileSync(join(dir, 'homework.json'), JSON.stringify(homework));
  // Canvas's gradebook export: the SIS login is the id; "ID" is Canvas's user id, which its downloads carry.
  writeFileSync(join(dir, 'canvas.csv'), '\ufeffStudent,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"Novák, Jan",12345,S1,jnovak,A\n"Dvořák, Antonín",23456,S2,advorak,A\n"Novák, Jan",34567,S3,jnovak2,B\n');
  const roster = join(dir, 'roster.json');
  const imported = await runLab(['class', 'import', join(dir, 'canvas.csv'), '--out', roster], env, 60_000);
  t.is(imported.code, 0, imported.stderr);

  const download = (name: string, files: Record<string, string>) => {
    const subs = join(dir, name);
    mkdirSync(subs, {recursive: true});
    for (const [file, text] of Object.entries(files)) writeFileSync(join(subs, file), text);
    return subs;
  };
  // First hand-in: Jan's Dockerfile prints the wrong words; Antonín's greeting file is late (after the due date);
  // the other Jan Novák, with the same folded name, handed in nothing.
  const first = download('first', {
    'novakjan_12345_900_Dockerfile': 'FROM busybox\nCMD ["echo", "hello"]\n',
    'dvorakantonin_LATE_23456_901_Dockerfile': 'FROM busybox\nCOPY greeting.txt /greeting\nCMD ["cat", "/greeting"]\n',
    'dvorakantonin_LATE_23456_901_greeting.txt': 'hi from busybox\n',
  });
  const store = join(dir, 'store');
  const check = async (subs: string) => {
    const r = await runLab(['homework', 'check', subs, '--homework', join(dir, 'homework.json'), '--roster', roster, '--out', store, '--json', '--jobs', '2'], env, 240_000);
    t.is(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as {students: Array<{student: string; score: number; flags: string[]; file: string}>};
  };
  const one = await check(first);
  t.deepEqual(one.students.map((s) => [s.student, s.score]), [['advorak', 3], ['jnovak', 1]]);
  t.deepEqual(one.students.find((s) => s.student === 'advorak')!.flags, ['handed in late (the LMS marked it LATE)']);
  t.deepEqual(one.students.find((s) => s.student === 'jnovak')!.flags, []);

  // Second hand-in: Jan fixes it; Antonín breaks his.
  const second = download('second', {
    'novakjan_12345_902_Dockerfile': 'FROM busybox\nCMD ["echo", "hi from busybox"]\n',
    'dvorakantonin_23456_903_Dockerfile': 'FROM busybox\nCOPY greting.txt /greeting\n',
  });
  const two = await check(second);
  t.deepEqual(two.students.map((s) => [s.student, s.score]), [['advorak', 0], ['jnovak', 3]]);
  for (const id of ['jnovak', 'advorak']) t.is(readdirSync(join(store, fileSlug(id), 'week4-homework')).length, 2, `both of ${id}'s attempts are kept`);
  t.is(JSON.parse(readFileSync(one.students[0].file, 'utf8')).score, 3, 'the first attempt\'s file is as it was');

  const grades = async (...more: string[]) => {
    const r = await runLab(['grades', store, '--roster', roster, '--json', ...more], env, 60_000);
    t.is(r.code, 0, r.stderr);
    const rows = (JSON.parse(r.stdout) as {students: Row[]}).students;
    return (id: string) => rows.find((x) => x.student === id)!.labs['week4-homework'];
  };
  const best = await grades('--policy', 'best');
  t.like(best('advorak'), {score: 3, attempts: 2, trust: 'sandbox'});
  t.like(best('jnovak'), {score: 3, attempts: 2});
  const last = await grades('--policy', 'last');
  t.is(last('advorak').score, 0);
  t.is(last('jnovak').score, 3);
  t.is(last('jnovak2'), undefined, 'the other Jan Novák handed in nothing');
  // The deadline fell between the two runs: the first attempts count.
  const firstTimes = one.students.map((s) => Date.parse((JSON.parse(readFileSync(s.file, 'utf8')) as {extra_data: {submittedAt: string}}).extra_data.submittedAt));
  const deadline = new Date(Math.max(...firstTimes) + 1000).toISOString();
  writeFileSync(join(dir, 'course.json'), JSON.stringify({policy: 'last-before-deadline', assignments: {'week4-homework': {deadline}}}));
  const beforeDeadline = await grades('--course', join(dir, 'course.json'));
  t.is(beforeDeadline('advorak').score, 3);
  t.is(beforeDeadline('jnovak').score, 1);

  // The Canvas import file: matched by Canvas's ID, the grades that count under the course's policy.
  const canvas = await runLab(['grades', store, '--roster', roster, '--course', join(dir, 'course.json'), '--format', 'canvas', '--bom', '--out', join(dir, 'canvas-import.csv')], env, 60_000);
  t.is(canvas.code, 0, canvas.stderr);
  const lines = readFileSync(join(dir, 'canvas-import.csv'), 'utf8').split(/\r?\n/);
  t.is(lines[0], '\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Lab week4 homework');
  t.true(lines.includes('"Novák, Jan",12345,S1,jnovak,A,1'), lines.join('\n'));
  t.true(lines.includes('"Dvořák, Antonín",23456,S2,advorak,A,3'), lines.join('\n'));
  t.true(lines.includes('"Novák, Jan",34567,S3,jnovak2,B,'), lines.join('\n'));
});
