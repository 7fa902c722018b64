/**
 * Homework deadlines are judged on when the student handed in (submittedAt, from the LMS), never on when the
 * sandbox checked it (checkedAt); a result whose hand-in time is unknown gets no penalty, is never "on time",
 * and says so in the warnings, the HTML and PrairieLearn's message.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {basename, join} from 'node:path';
import test from 'ava';
import type {Course} from '../../src/lab/gradebook/course.js';
import {renderCsv} from '../../src/lab/gradebook/csv.js';
import {renderHtml} from '../../src/lab/gradebook/html.js';
import {buildGradebook} from '../../src/lab/gradebook/merge.js';
import {prairieLearnFiles} from '../../src/lab/gradebook/prairielearn.js';
import {readSubmissions} from '../../src/lab/gradebook/read.js';
import {signResult, teacherKey} from '../../src/lab/gradebook/signing.js';
import {storeAttempt} from '../../src/lab/gradebook/store.js';
import {parseResults} from '../../src/lab/gradebook/validate.js';
import type {HandIn} from '../../src/lab/homework/hand-in.js';
import {homeworkResults} from '../../src/lab/homework/results.js';
import type {Homework} from '../../src/lab/homework/types.js';

const config = mkdtempSync(join(tmpdir(), 'lab-hand-in-grades-'));
process.env.XDG_CONFIG_HOME = config;
test.after.always(() => rmSync(config, {recursive: true, force: true}));

const hw = {lab: 'week3', title: {en: 'Week 3'}, checks: [{id: 'builds', kind: 'builds', weight: 10, title: {en: 'It builds'}}]} as unknown as Homework;
const deadline = '2026-12-07T23:59:00+01:00';
const course = {policy: 'last-before-deadline' as const, assignments: {'week3-homework': {deadline, latePenalty: {perDayPercent: 20}}}};

/** A signed sandbox result, as lab homework check stores it: handed in at `handedIn` (or unknown), checked at `checked`. */
function attempt(student: string, pass: boolean, handedIn: string | undefined, checked: string, file = `${student}-${checked}`) {
  const handIn: HandIn = handedIn ? {submittedAt: new Date(handedIn).toISOString(), source: 'lms-worksheet', detail: 'ws.csv, line 2'} : {source: 'unknown', detail: 'not named as an LMS download names a hand-in'};
  const r = homeworkResults(hw, student, [{id: 'builds', pass, observed: pass ? 'built' : 'no', expected: 'built'}], 1, 'en', [], handIn);
  r.extra_data.checkedAt = new Date(checked).toISOString();
  return {file, results: parseResults(file, JSON.stringify(signResult(r, 'sandbox', {kind: 'homework'})))};
}

test.before(() => teacherKey());

type Sub = ReturnType<typeof attempt>;
const grades = (subs: Sub[], c: Course = course) => buildGradebook(subs, [], {course: c, key: teacherKey(false)});

test('handed in before the deadline and checked days after it: on time; handed in after it: late, by the hand-in time', (t) => {
  const gb = grades([
    attempt('Antonín Dvořák', true, '2026-12-07T23:58:00+01:00', '2026-12-10T09:00:00Z'),
    attempt('Jana Nováková', true, '2026-12-08T00:00:02+01:00', '2026-12-08T00:00:05+01:00'),
  ]);
  const by = (id: string) => gb.students.find((s) => s.student === id)!.labs['week3-homework'];
  t.like(by('Antonín Dvořák'), {score: 10, daysLate: 0, penalty: 0, submittedAt: '2026-12-07T22:58:00.000Z', checkedAt: '2026-12-10T09:00:00.000Z', handIn: 'lms-worksheet', trust: 'sandbox'});
  t.like(by('Jana Nováková'), {score: 8, rawScore: 10, daysLate: 1, penalty: 2});
  t.deepEqual(gb.warnings, []);
  const html = renderHtml(gb);
  t.true(html.includes('handed in 2026-12-07T22:58:00.000Z (lms-worksheet), checked 2026-12-10T09:00:00.000Z'), 'the HTML shows both times');
  t.regex([...prairieLearnFiles(gb).values()].find((r) => r.student === 'Jana Nováková')!.message, /handed in 2026-12-07T23:00:02\.000Z, checked 2026-12-07T23:00:05\.000Z/);
});

test('an extension is judged on the hand-in time too', (t) => {
  const late = attempt('Jana Nováková', true, '2026-12-09T10:00:00+01:00', '2026-12-11T10:00:00Z');
  const extended = {...course, extensions: [{student: 'Jana Nováková', assignment: 'week3-homework', deadline: '2026-12-09T12:00:00+01:00'}]};
  t.like(grades([late], extended).students[0].labs['week3-homework'], {score: 10, daysLate: 0});
  // The extension ends before the hand-in: late by its started days after the extended deadline.
  const short = {...course, extensions: [{student: 'Jana Nováková', assignment: 'week3-homework', deadline: '2026-12-09T09:00:00+01:00'}]};
  t.like(grades([late], short).students[0].labs['week3-homework'], {score: 8, daysLate: 1});
});

test('last-before-deadline picks by hand-in time: a resubmission after the deadline does not replace an on-time one checked later', (t) => {
  // Checked in the other order than handed in: the on-time hand-in was checked last.
  const onTime = attempt('Antonín Dvořák', true, '2026-12-07T20:00:00+01:00', '2026-12-12T08:00:00Z', 'on-time');
  const afterwards = attempt('Antonín Dvořák', false, '2026-12-08T10:00:00+01:00', '2026-12-09T08:00:00Z', 'afterwards');
  const grade = (policy: 'last-before-deadline' | 'last') => grades([onTime, afterwards], {...course, policy}).students[0].labs['week3-homework'];
  t.like(grade('last-before-deadline'), {file: 'on-time', score: 10, attempts: 2});
  t.like(grade('last'), {file: 'afterwards', score: 0, daysLate: 1});
  // The same hand-in checked twice: the newer check counts.
  const recheck = attempt('Antonín Dvořák', false, '2026-12-07T20:00:00+01:00', '2026-12-13T08:00:00Z', 'a-recheck');
  t.is(grades([onTime, recheck]).students[0].labs['week3-homework'].file, 'a-recheck');
});

test('no known hand-in time: no penalty, never on time, and said so in the warnings, the HTML and PrairieLearn', (t) => {
  const unknown = attempt('alice', true, undefined, '2026-12-20T10:00:00Z', 'unknown');
  t.is(unknown.results.extra_data.submittedAt, undefined);
  t.deepEqual(unknown.results.extra_data.handIn, {source: 'unknown', detail: 'not named as an LMS download names a hand-in'});
  const gb = grades([unknown]);
  const g = gb.students[0].labs['week3-homework'];
  t.like(g, {score: 10, daysLate: 0, penalty: 0, submittedAt: undefined, checkedAt: '2026-12-20T10:00:00.000Z', handIn: 'unknown'});
  t.deepEqual(gb.warnings, [`alice, week3-homework: the hand-in time of the attempt that counts is unknown (unknown): the deadline ${deadline} and any late penalty could not be applied`]);
  t.true(renderHtml(gb).includes('(hand-in time unknown)'));
  t.is(renderCsv(gb).split('\r\n')[1], 'alice,,10,10,sandbox,unknown,2026-12-20T10:00:00.000Z,10,sandbox,');
  t.regex([...prairieLearnFiles(gb).values()][0].message, /\(hand-in time unknown, checked 2026-12-20T10:00:00\.000Z\)/);
  // Checked before the deadline, yet not known to be on time: a known on-time attempt is preferred over it.
  const early = attempt('alice', true, undefined, '2026-12-01T10:00:00Z', 'checked-early');
  const known = attempt('alice', false, '2026-12-06T10:00:00Z', '2026-12-06T11:00:00Z', 'known');
  t.is(grades([early, known]).students[0].labs['week3-homework'].file, 'known');
  // Without a deadline nothing needs the time, and nothing is said.
  t.deepEqual(grades([unknown], {}).warnings, []);
});

test('a results file must give its hand-in time or say it is unknown, not both; the store names files by check time', (t) => {
  const base = attempt('bob', true, '2026-12-07T20:00:00+01:00', '2026-12-10T08:00:00Z').results;
  const {signature: _, ...plain} = base;
  const without = {...plain, extra_data: {...plain.extra_data, submittedAt: undefined, handIn: {source: 'lms-download'}}};
  t.regex(t.throws(() => parseResults('r.json', JSON.stringify(without)))!.message, /^r\.json: \$\.extra_data\.submittedAt: missing; expected a date and time in ISO 8601/);
  const both = {...plain, extra_data: {...plain.extra_data, handIn: {source: 'unknown'}}};
  t.is(t.throws(() => parseResults('r.json', JSON.stringify(both)))!.message, 'r.json: $.extra_data.submittedAt: expected none when extra_data.handIn.source is "unknown", found "2026-12-07T19:00:00.000Z"');
  const bad = {...plain, extra_data: {...plain.extra_data, checkedAt: 'Tuesday'}};
  t.regex(t.throws(() => parseResults('r.json', JSON.stringify(bad)))!.message, /^r\.json: \$\.extra_data\.checkedAt: expected a date and time in ISO 8601/);
  const store = mkdtempSync(join(tmpdir(), 'lab-hand-in-store-'));
  t.teardown(() => rmSync(store, {recursive: true, force: true}));
  const file = storeAttempt(store, base, 'week3-homework');
  t.regex(basename(file), /^20261210T080000000Z-[0-9a-f]{12}-results\.json$/);
  const [read] = readSubmissions([store]).submissions;
  t.is(JSON.parse(readFileSync(file, 'utf8')).extra_data.submittedAt, '2026-12-07T19:00:00.000Z');
  t.like(buildGradebook([read], [], {key: teacherKey(false)}).students[0].labs['week3-homework'], {trust: 'sandbox', submittedAt: '2026-12-07T19:00:00.000Z'});
});
