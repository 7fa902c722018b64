/**
 * When a student handed in, as the LMS recorded it: the times of a Moodle or Canvas download's entries (from the
 * zip itself or as unpacked), Moodle's grading worksheet (exact), or unknown — never when the check ran. A worksheet
 * that does not fit is refused with its file, line and column.
 */
import test from 'ava';
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {zipEntryTime} from '../../src/lab/homework/archives.js';
import {listHandIns} from '../../src/lab/homework/download.js';
import {parseWorksheet, parseWorksheetDate} from '../../src/lab/homework/worksheet.js';
import {zonedTime} from '../../src/lab/homework/zoned-time.js';
import type {Roster} from '../../src/lab/roster/types.js';
import {lmsZip, unzipTimes} from './lms-downloads.js';

const zone = 'Europe/Prague';

function scratch(t: {teardown(fn: () => void): void}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-hand-in-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

const quiet = () => undefined;
const iso = (s: string) => new Date(s).toISOString();
/** unzip's yyyymmdd.hhmmss, a wall clock in Prague, as the instant it names. */
const fromUnzip = (s: string) => zonedTime({year: +s.slice(0, 4), month: +s.slice(4, 6), day: +s.slice(6, 8), hour: +s.slice(9, 11), minute: +s.slice(11, 13), second: +s.slice(13, 15)}, zone)!.toISOString();

test('wall-clock times are read in the zone named, across a change of summer time', (t) => {
  t.is(zonedTime({year: 2026, month: 12, day: 7, hour: 23, minute: 59, second: 0}, zone)!.toISOString(), '2026-12-07T22:59:00.000Z');
  t.is(zonedTime({year: 2026, month: 7, day: 1, hour: 12, minute: 0, second: 0}, zone)!.toISOString(), '2026-07-01T10:00:00.000Z');
  t.is(zonedTime({year: 2026, month: 2, day: 30, hour: 12, minute: 0, second: 0}, zone), undefined, '30 February is no date');
  t.is(parseWorksheetDate('Monday, 7 December 2026, 11:59 PM', zone)!.toISOString(), '2026-12-07T22:59:00.000Z');
  t.is(parseWorksheetDate('7 December 2026, 12:05 AM', zone)!.toISOString(), '2026-12-06T23:05:00.000Z');
  t.is(parseWorksheetDate('2026-12-07T23:59:00+01:00')!.toISOString(), '2026-12-07T22:59:00.000Z');
  for (const bad of ['yesterday', 'Monday, 7 Decembre 2026, 11:59 PM', '7 December 2026, 13:05 PM', '2026-13-01T00:00:00Z', '']) t.is(parseWorksheetDate(bad, zone), undefined, bad);
});

test('a Moodle download zip: its entries\' DOS times, read in the LMS\'s zone, are the hand-in times, as unzip -Z reads them', async (t) => {
  const dir = scratch(t);
  const zip = join(dir, 'Week 3-Dockerfile-12345.zip');
  lmsZip(zip, [
    {name: 'Antonín Dvořák_4411_assignsubmission_file_/Dockerfile', data: 'FROM busybox\n', time: [2026, 12, 7, 22, 10, 4]},
    {name: 'Antonín Dvořák_4411_assignsubmission_file_/greeting.txt', data: 'hi\n', time: [2026, 12, 7, 23, 58, 30]},
    {name: 'Jana Nováková_4412_assignsubmission_file_/Dockerfile', data: 'FROM busybox\n', time: [2026, 12, 8, 0, 0, 2]},
    {name: 'Jana Nováková_4412_assignsubmission_onlinetext_/onlinetext.html', data: '<p>see file</p>', time: [2026, 12, 8, 0, 0, 2]},
  ]);
  const reference = unzipTimes(zip, zone);
  t.is(fromUnzip(reference.get('Antonín Dvořák_4411_assignsubmission_file_/greeting.txt')!), '2026-12-07T22:58:30.000Z');
  const {entries, cleanup} = await listHandIns({submissions: zip, timezone: zone, progress: quiet});
  t.teardown(cleanup);
  const by = (id: string) => entries.filter((e) => e.id === id);
  // Two Moodle folders for one student (a file and an online text): the teacher's call, as before.
  t.true(by('Jana Nováková').length === 2 && by('Jana Nováková').every((e) => e.rejected));
  const [antonin] = by('Antonín Dvořák');
  t.like(antonin, {kind: 'folder', lms: 'moodle', participant: '4411', rejected: undefined});
  // The folder's newest file: its last upload.
  t.deepEqual(antonin.handIn, {submittedAt: fromUnzip(reference.get('Antonín Dvořák_4411_assignsubmission_file_/greeting.txt')!), source: 'lms-download', detail: 'the time of its files in the Moodle download'});
});

test('a zip(1) entry\'s extended timestamp is UTC and wins over the DOS time, whatever the zone', (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'novakjan_LATE_12345_900_Dockerfile'), 'FROM busybox\n');
  utimesSync(join(dir, 'src', 'novakjan_LATE_12345_900_Dockerfile'), new Date('2026-12-08T09:30:00Z'), new Date('2026-12-08T09:30:00Z'));
  execFileSync('zip', ['-q', join(dir, 'c.zip'), 'novakjan_LATE_12345_900_Dockerfile'], {cwd: join(dir, 'src'), env: {...process.env, TZ: 'America/New_York'}});
  t.regex(execFileSync('unzip', ['-Z', '-v', join(dir, 'c.zip')]).toString(), /UT extra field modtime/, 'zip(1) wrote an extended timestamp');
  // The raw central directory fields, read back through the function the unpacker uses.
  const data = execFileSync('python3', ['-c', `import zipfile,sys,struct
i=zipfile.ZipFile(sys.argv[1]).infolist()[0]
d=i.date_time
print((d[3]<<11)|(d[4]<<5)|(d[5]//2), ((d[0]-1980)<<9)|(d[1]<<5)|d[2], i.extra.hex())`, join(dir, 'c.zip')]).toString().trim().split(' ');
  const when = zipEntryTime(Number(data[0]), Number(data[1]), Buffer.from(data[2], 'hex'), zone);
  t.is(when!.toISOString(), '2026-12-08T09:30:00.000Z');
  // Without the extra field, the DOS time (New York's wall clock here) read as Prague's would be six hours off.
  t.is(zipEntryTime(Number(data[0]), Number(data[1]), Buffer.alloc(0), zone)!.toISOString(), '2026-12-08T03:30:00.000Z');
});

test('a Canvas download zip: files gathered per user, LATE kept, each student\'s newest file time', async (t) => {
  const dir = scratch(t);
  const zip = join(dir, 'submissions.zip');
  lmsZip(zip, [
    {name: 'dvorakantonin_LATE_23456_901_Dockerfile', data: 'FROM busybox\n', time: [2026, 12, 9, 8, 0, 0]},
    {name: 'dvorakantonin_LATE_23456_901_greeting.txt', data: 'hi\n', time: [2026, 12, 9, 8, 1, 0]},
    {name: 'novakjan_12345_900_hw.zip', data: 'PK', time: [2026, 12, 7, 20, 0, 0]},
  ]);
  const roster: Roster = {format: 'canvas', importedFrom: 'canvas.csv', students: [{id: 'advorak', name: 'Dvořák, Antonín', lmsId: '23456'}, {id: 'jnovak', name: 'Novák, Jan', lmsId: '12345'}]};
  const {entries, cleanup} = await listHandIns({submissions: zip, roster, timezone: zone, progress: quiet});
  t.teardown(cleanup);
  const by = (id: string) => entries.find((e) => e.id === id)!;
  t.like(by('advorak'), {late: true, kind: 'files', handIn: {submittedAt: '2026-12-09T07:01:00.000Z', source: 'lms-download'}});
  t.like(by('jnovak'), {kind: 'zip', handIn: {submittedAt: '2026-12-07T19:00:00.000Z', source: 'lms-download'}});

  // Canvas's own submitted_at (its submissions API, saved as CSV), matched by the Canvas user id, is exact.
  const api = 'user_id,submitted_at,late,workflow_state\n23456,2026-12-09T07:00:41Z,true,submitted\n12345,2026-12-07T18:59:59Z,false,submitted\n99,,false,unsubmitted\n';
  const worksheet = parseWorksheet(api, 'canvas-submissions.csv');
  const exact = await listHandIns({submissions: zip, roster, worksheet, timezone: zone, progress: quiet});
  t.teardown(exact.cleanup);
  t.like(exact.entries.find((e) => e.id === 'advorak'), {late: true, handIn: {submittedAt: '2026-12-09T07:00:41.000Z', source: 'lms-worksheet', detail: 'canvas-submissions.csv, line 2'}});
  t.like(exact.entries.find((e) => e.id === 'jnovak'), {handIn: {submittedAt: '2026-12-07T18:59:59.000Z', source: 'lms-worksheet'}});
  t.is(t.throws(() => parseWorksheet('user_id,submitted_at\nnovakjan,2026-12-07T18:59:59Z\n', 'c.csv'))!.message, 'c.csv: line 2, column A ("user_id"): "novakjan" is not a Canvas user id (digits)');
  t.is(t.throws(() => parseWorksheet('user_id,submitted_at\n12345,2026-12-07T18:59:59Z\n12345,2026-12-08T18:59:59Z\n', 'c.csv'))!.message, 'c.csv: line 3: Canvas user 12345 is on line 2 already: one row per participant');
});

test('an unpacked download keeps its files\' times; a folder not named by an LMS has no known hand-in time', async (t) => {
  const dir = scratch(t);
  const moodle = join(dir, 'Antonín Dvořák_4411_assignsubmission_file_');
  mkdirSync(join(moodle, 'src'), {recursive: true});
  writeFileSync(join(moodle, 'Dockerfile'), 'FROM busybox\n');
  writeFileSync(join(moodle, 'src', 'main.c'), 'int main(){}\n');
  utimesSync(join(moodle, 'Dockerfile'), new Date('2026-12-07T10:00:00Z'), new Date('2026-12-07T10:00:00Z'));
  utimesSync(join(moodle, 'src', 'main.c'), new Date('2026-12-07T11:00:00Z'), new Date('2026-12-07T11:00:00Z'));
  mkdirSync(join(dir, 'alice'));
  writeFileSync(join(dir, 'alice', 'Dockerfile'), 'FROM busybox\n');
  const {entries} = await listHandIns({submissions: dir, progress: quiet});
  t.like(entries.find((e) => e.id === 'Antonín Dvořák'), {handIn: {submittedAt: '2026-12-07T11:00:00.000Z', source: 'lms-download'}});
  t.deepEqual(entries.find((e) => e.id === 'alice')!.handIn, {source: 'unknown', detail: 'not named as an LMS download names a hand-in'});
});

const header = 'Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission),Online text,Last modified (grade),Feedback comments\n';

test('Moodle\'s grading worksheet gives exact times, matched by participant number, over the download\'s times', async (t) => {
  const dir = scratch(t);
  const zip = join(dir, 'download.zip');
  lmsZip(zip, [
    {name: 'Antonín Dvořák_4411_assignsubmission_file_/Dockerfile', data: 'FROM busybox\n', time: [2026, 12, 7, 23, 58, 30]},
    {name: 'Jana Nováková_4412_assignsubmission_file_/Dockerfile', data: 'FROM busybox\n', time: [2026, 12, 8, 0, 0, 2]},
    {name: 'Petr Svoboda_4413_assignsubmission_file_/Dockerfile', data: 'FROM busybox\n', time: [2026, 12, 6, 9, 0, 0]},
  ]);
  const text = '\ufeff' + header +
    'Participant 4411,Antonín Dvořák,antonin@example.cz,Submitted for grading,,10.00,Yes,"Monday, 7 December 2026, 11:58 PM",,-,\n' +
    // Moodle's own time, where the download's entry (00:00:02) came two minutes late: the worksheet's is the record.
    'Participant 4412,Jana Nováková,jana@example.cz,Submitted for grading,,10.00,Yes,"Monday, 7 December 2026, 11:57 PM",,-,\n' +
    'Participant 4414,Eva Černá,eva@example.cz,No submission,,10.00,Yes,-,,-,\n';
  writeFileSync(join(dir, 'worksheet.csv'), text);
  const worksheet = parseWorksheet(text, join(dir, 'worksheet.csv'), zone);
  const {entries, cleanup} = await listHandIns({submissions: zip, worksheet, timezone: zone, progress: quiet});
  t.teardown(cleanup);
  const by = (id: string) => entries.find((e) => e.id === id)!.handIn;
  t.deepEqual(by('Antonín Dvořák'), {submittedAt: iso('2026-12-07T22:58:00Z'), source: 'lms-worksheet', detail: `${join(dir, 'worksheet.csv')}, line 2`});
  t.like(by('Jana Nováková'), {submittedAt: iso('2026-12-07T22:57:00Z'), source: 'lms-worksheet'});
  // Not in the worksheet (handed in after it was downloaded): the download's time, said so.
  t.deepEqual(by('Petr Svoboda'), {submittedAt: iso('2026-12-06T08:00:00Z'), source: 'lms-download', detail: `the time of its files in the Moodle download; not in ${join(dir, 'worksheet.csv')}`});
});

test('a hostile worksheet is refused with its file, line and column: bad dates, no one named, duplicates, unknown students', async (t) => {
  const bad = (body: string) => t.throws(() => parseWorksheet(header + body, 'ws.csv', zone))?.message;
  t.is(bad('Participant 1,A,a@x,Submitted,,10,Yes,"Friday, 32 December 2026, 10:00 AM",,-,\n'),
    'ws.csv: line 2, column H ("Last modified (submission)"): "Friday, 32 December 2026, 10:00 AM" is not a date and time (expected Moodle\'s "Monday, 7 December 2026, 10:15 PM" in English, or ISO 8601 such as "2026-12-07T22:15:00+01:00")');
  // A quoted comment over two lines: the line named is still the row's own.
  t.regex(bad('Participant 1,A,a@x,Submitted,,10,Yes,"Monday, 7 December 2026, 10:00 AM",,-,"good\nwork"\n\nParticipant 2,B,b@x,Submitted,,10,Yes,tomorrow,,-,\n')!, /^ws\.csv: line 5, column H .*"tomorrow" is not a date/);
  t.regex(bad('Student 7,A,a@x,Submitted,,10,Yes,-,,-,\n')!, /^ws\.csv: line 2, column A \("Identifier"\): "Student 7" is not a Moodle participant/);
  t.regex(bad(',,,Submitted,,10,Yes,-,,-,\n')!, /^ws\.csv: line 2, column A \("Identifier"\): the row names no one/);
  t.is(bad('Participant 1,A,a@x,Submitted,,10,Yes,-,,-,\nParticipant 1,A again,a2@x,Submitted,,10,Yes,-,,-,\n'), 'ws.csv: line 3: participant 1 is on line 2 already: one row per participant');
  t.regex(t.throws(() => parseWorksheet('First name,Last name\nA,B\n', 'ws.csv'))!.message, /^ws\.csv: line 1: not Moodle's grading worksheet .* nor Canvas's submissions/);

  // Rows that read well but do not fit the submissions: found before anything is checked.
  const dir = scratch(t);
  mkdirSync(join(dir, 'Antonín Dvořák_4411_assignsubmission_file_'));
  writeFileSync(join(dir, 'Antonín Dvořák_4411_assignsubmission_file_', 'Dockerfile'), 'FROM busybox\n');
  const roster: Roster = {format: 'moodle', importedFrom: 'participants.csv', students: [{id: 'antonin@example.cz', name: 'Antonín Dvořák', email: 'antonin@example.cz'}]};
  const fit = async (body: string) => {
    const worksheet = parseWorksheet(header + body, 'ws.csv', zone);
    return (await t.throwsAsync(listHandIns({submissions: dir, roster, worksheet, progress: quiet})))?.message;
  };
  t.is(await fit('Participant 4411,Antonín Dvořák,antonin@example.cz,Submitted,,10,Yes,"Monday, 7 December 2026, 11:58 PM",,-,\nParticipant 9999,Mallory Evil,mallory@example.com,Submitted,,10,Yes,"Monday, 7 December 2026, 9:00 AM",,-,\n'),
    'ws.csv: line 3, column A ("Identifier"): Participant 9999, Mallory Evil, mallory@example.com is not on the roster participants.csv and has no submission: a worksheet of another course or assignment?');
  t.regex((await fit('Participant 4411,Antonín Dvořák,antonin@example.cz,Submitted,,10,Yes,"Monday, 7 December 2026, 11:58 PM",,-,\nParticipant 77,Antonín Dvořák,antonin@example.cz,Submitted,,10,Yes,"Monday, 7 December 2026, 11:00 PM",,-,\n'))!,
    /^ws\.csv: line 3, column A \("Identifier"\): Participant 77, Antonín Dvořák, antonin@example\.cz is the submission Antonín Dvořák_4411_assignsubmission_file_ that line 2 \(Participant 4411, .*\) is already/);
});

test('a download zip that cannot be unpacked whole stops the run: a missing file would be graded as never handed in', async (t) => {
  const dir = scratch(t);
  const zip = join(dir, 'download.zip');
  lmsZip(zip, [
    {name: 'Antonín Dvořák_4411_assignsubmission_file_/Dockerfile', data: 'FROM busybox\n', time: [2026, 12, 7, 22, 0, 0]},
    {name: '../../escaped.txt', data: 'x', time: [2026, 12, 7, 22, 0, 0]},
  ]);
  const scratchDir = join(dir, 'scratch');
  mkdirSync(scratchDir);
  const error = await t.throwsAsync(listHandIns({submissions: zip, timezone: zone, progress: quiet, scratch: scratchDir}));
  t.is(error?.name, 'HomeworkError');
  t.regex(error!.message, /download\.zip: the download cannot be unpacked whole \(1 problem\(s\)\): \.\.\/\.\.\/escaped\.txt: a path outside the submission, not unpacked$/);
  t.deepEqual(readdirSync(scratchDir), [], 'the half-unpacked download is removed');
  t.false(existsSync(join(dir, 'escaped.txt')));
  t.false(existsSync(join(scratchDir, 'escaped.txt')));
});

test('an unpacked download is removed when the process ends on the way, as after a signal', async (t) => {
  const dir = scratch(t);
  const zip = join(dir, 'download.zip');
  lmsZip(zip, [{name: 'Antonín Dvořák_4411_assignsubmission_file_/Dockerfile', data: 'FROM busybox\n', time: [2026, 12, 7, 22, 0, 0]}]);
  const scratchDir = join(dir, 'scratch');
  mkdirSync(scratchDir);
  // The built module, in a process of its own that exits (as the sandbox's signal handler does) before any cleanup.
  const script = `const m = await import(${JSON.stringify(new URL('../../dist/src/lab/homework/download.js', import.meta.url).href)});
const {entries} = await m.listHandIns({submissions: process.argv[1], scratch: process.argv[2], progress: () => {}});
process.stdout.write(String(entries.length) + ' ' + require('node:fs').readdirSync(process.argv[2]).length);
process.exit(130);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import {createRequire} from 'node:module'; const require = createRequire(import.meta.url); ${script}`, zip, scratchDir], {encoding: 'utf8'});
  t.is(r.status, 130, r.stderr);
  t.is(r.stdout, '1 1', 'one student listed from the download, unpacked in the scratch folder');
  t.deepEqual(readdirSync(scratchDir), []);
});
