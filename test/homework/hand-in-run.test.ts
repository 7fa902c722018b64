/**
 * A Moodle "Download all submissions" zip, as Moodle makes it (a folder per participant, names with diacritics, DOS
 * times in the server's zone), graded as it is with the grading worksheet: each result carries the hand-in time
 * Moodle recorded, apart from when it was checked, and the gradebook's deadline, late penalty and extension go by
 * it. A worksheet that does not fit stops the run before anything is checked, and the store is left as it was.
 */
import test from 'ava';
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {runLab} from '../helpers/cli.js';
import {busyboxGreeting} from './busybox-greeting.js';
import {lmsZip} from './lms-downloads.js';

const homework = busyboxGreeting('week3', 3);
const good = 'FROM busybox\nCMD ["echo", "hi from busybox"]\n';
const header = 'Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission),Last modified (grade),Feedback comments\n';

/** Every file of the store and its content: what a failed run must leave exactly as it was. */
function snapshot(store: string): Record<string, string> {
  return Object.fromEntries(readdirSync(store, {recursive: true, withFileTypes: true}).filter((d) => d.isFile()).map((d) => [relative(store, join(d.parentPath, d.name)), readFileSync(join(d.parentPath, d.name), 'utf8')]));
}

test('a Moodle download and its worksheet: deadlines, late penalty and an extension go by the hand-in time, not the check time', async (t) => {
  t.timeout(8 * 60_000, 'a homework run of three students and the gradebook took more than 8 minutes');
  const dir = mkdtempSync(join(tmpdir(), 'teachers-hand-in-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const env = {XDG_CONFIG_HOME: join(dir, 'config')};
  writeFileSync(join(dir, 'homework.json'), JSON.stringify(homework));
  writeFileSync(join(dir, 'participants.csv'), '\ufeffFirst name,Last name,Email address\nAntonín,Dvořák,antonin@example.cz\nJana,Nováková,jana@example.cz\nZoë,Šťastná,zoe@example.cz\n');
  const roster = join(dir, 'roster.json');
  t.is((await runLab(['class', 'import', join(dir, 'participants.csv'), '--out', roster], env, 60_000)).code, 0);

  // The deadline is 30 November 2025, 23:59 in Prague; every check runs long after it.
  const zip = join(dir, 'WEEK3-Greeting-4711.zip');
  lmsZip(zip, [
    {name: 'Antonín Dvořák_881_assignsubmission_file_/Dockerfile', data: good, time: [2025, 11, 30, 23, 58, 30]},
    {name: 'Jana Nováková_882_assignsubmission_file_/Dockerfile', data: good, time: [2025, 12, 1, 0, 10, 0]},
    {name: 'Zoë Šťastná_883_assignsubmission_file_/Dockerfile', data: good, time: [2025, 12, 2, 10, 0, 0]},
  ]);
  // Antonín's and Zoë's exact times; Jana is not in it (the download's time counts for her).
  const worksheet = join(dir, 'Grades-WEEK3-Greeting-4711.csv');
  writeFileSync(worksheet, header +
    'Participant 881,Antonín Dvořák,antonin@example.cz,Submitted for grading,,3.00,Yes,"Sunday, 30 November 2025, 11:58 PM",-,\n' +
    'Participant 883,Zoë Šťastná,zoe@example.cz,Submitted for grading,,3.00,Yes,"Tuesday, 2 December 2025, 10:00 AM",-,\n');
  const store = join(dir, 'store');
  const check = (ws: string, json = true) => runLab(['homework', 'check', zip, '--homework', join(dir, 'homework.json'), '--roster', roster, '--worksheet', ws, '--timezone', 'Europe/Prague', '--out', store, ...(json ? ['--json'] : []), '--jobs', '2'], env, 300_000);
  const run = await check(worksheet);
  t.is(run.code, 0, run.stderr);
  const reports = (JSON.parse(run.stdout) as {students: Array<{student: string; score: number; file: string; submittedAt?: string; handIn?: string}>}).students;
  t.deepEqual(reports.map((r) => [r.student, r.score, r.submittedAt]), [
    ['antonin@example.cz', 3, '2025-11-30T22:58:00.000Z'],
    ['jana@example.cz', 3, '2025-11-30T23:10:00.000Z'],
    ['zoe@example.cz', 3, '2025-12-02T09:00:00.000Z'],
  ]);
  t.regex(reports[1].handIn!, /^lms-download: the time of its files in the Moodle download; not in /);
  const stored = JSON.parse(readFileSync(reports[0].file, 'utf8')) as {extra_data: {submittedAt: string; checkedAt: string; handIn: {source: string}}};
  t.is(stored.extra_data.handIn.source, 'lms-worksheet');
  t.true(Date.parse(stored.extra_data.checkedAt) > Date.parse('2025-12-03T00:00:00Z'), 'checked now, kept apart from the hand-in');

  // Hostile worksheets: refused with file, line and column before anything is checked; the store as it was.
  const before = snapshot(store);
  const hostile = async (name: string, body: string, expected: RegExp) => {
    writeFileSync(join(dir, name), header + body);
    const r = await check(join(dir, name), false);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr.replace(/\s*›\s*/g, ' '), expected);
    t.deepEqual(snapshot(store), before, `${name} left the store as it was`);
  };
  await hostile('bad-date.csv', 'Participant 881,Antonín Dvořák,antonin@example.cz,Submitted,,3.00,Yes,"Sunday, 31 November 2025, 11:58 PM",-,\n', /bad-date\.csv: line 2, column H \("Last modified \(submission\)"\): "Sunday, 31 November 2025, 11:58 PM" is not a date and time/);
  await hostile('unknown.csv', 'Participant 999,Mallory Evil,mallory@example.com,Submitted,,3.00,Yes,"Sunday, 30 November 2025, 9:00 PM",-,\n', /unknown\.csv: line 2, column A \("Identifier"\): Participant 999, Mallory Evil, mallory@example\.com is not on the roster/);
  await hostile('twice.csv', 'Participant 881,Antonín Dvořák,antonin@example.cz,Submitted,,3.00,Yes,"Sunday, 30 November 2025, 9:00 PM",-,\nParticipant 881,Antonín Dvořák,antonin@example.cz,Submitted,,3.00,Yes,"Sunday, 30 November 2025, 9:05 PM",-,\n', /twice\.csv: line 3: participant 881 is on line 2 already/);

  const zoneTypo = await runLab(['homework', 'check', zip, '--homework', join(dir, 'homework.json'), '--worksheet', worksheet, '--timezone', 'Europe/Praha', '--out', store], env, 60_000);
  t.is(zoneTypo.code, 2);
  t.regex(zoneTypo.stderr, /"Europe\/Praha" is not a time zone this system knows/);
  t.deepEqual(snapshot(store), before);

  // The course: 20 % off per started day late; Zoë has until 3 December.
  writeFileSync(join(dir, 'course.json'), JSON.stringify({
    policy: 'last-before-deadline',
    assignments: {'week3-homework': {deadline: '2025-11-30T23:59:00+01:00', latePenalty: {perDayPercent: 20}}},
    extensions: [{student: 'zoe@example.cz', assignment: 'week3-homework', deadline: '2025-12-03T12:00:00+01:00'}],
  }));
  const grades = await runLab(['grades', store, '--roster', roster, '--course', join(dir, 'course.json'), '--json'], env, 60_000);
  t.is(grades.code, 0, grades.stderr);
  const rows = (JSON.parse(grades.stdout) as {students: Array<{student: string; labs: Record<string, {score: number; daysLate: number; submittedAt: string; checkedAt: string}>}>}).students;
  const hw = (id: string) => rows.find((r) => r.student === id)!.labs['week3-homework'];
  t.like(hw('antonin@example.cz'), {score: 3, daysLate: 0, submittedAt: '2025-11-30T22:58:00.000Z'});
  t.like(hw('jana@example.cz'), {score: 2.4, daysLate: 1});
  t.like(hw('zoe@example.cz'), {score: 3, daysLate: 0});
});
