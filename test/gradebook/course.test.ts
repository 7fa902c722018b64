/** Which attempt counts (best, last, last before the deadline), late penalties, extensions, and the course file's errors. */
import test from 'ava';
import {latePenalty, parseCourse} from '../../src/lab/gradebook/course.js';
import {buildGradebook} from '../../src/lab/gradebook/merge.js';
import {allChecks26, maxScore26, results26} from './fixtures.js';

const attempts = [
  {file: 'a1', results: results26('alice', allChecks26, '2025-03-01T10:00:00.000Z')},
  {file: 'a2', results: results26('alice', allChecks26.slice(0, 2), '2025-03-03T10:00:00.000Z')},
  // Three days after the deadline: a full score, late.
  {file: 'a3', results: results26('alice', allChecks26, '2025-03-08T09:00:00.000Z')},
];
const deadline = '2025-03-05T23:59:00+01:00';

test('every attempt is kept; best, last and last-before-deadline each pick their own', (t) => {
  const pickOf = (policy: 'best' | 'last' | 'last-before-deadline') => buildGradebook(attempts, [], {course: {policy, assignments: {'26': {deadline}}}}).students[0].labs['26'];
  t.is(pickOf('last-before-deadline').file, 'a2');
  t.is(pickOf('last').file, 'a3');
  t.is(pickOf('best').file, 'a1');
  for (const p of ['best', 'last', 'last-before-deadline'] as const) t.is(pickOf(p).attempts, 3);
});

test('a late attempt loses its percent per started day, up to the maximum; best weighs the penalty in', (t) => {
  t.deepEqual(latePenalty('2025-03-06T00:00:00+01:00', deadline, {perDayPercent: 10}, 20), {daysLate: 1, points: 2});
  t.deepEqual(latePenalty('2025-03-20T00:00:00+01:00', deadline, {perDayPercent: 10, maxPercent: 30}, 20), {daysLate: 15, points: 6});
  t.deepEqual(latePenalty('2025-03-05T23:59:00+01:00', deadline, {perDayPercent: 10}, 20), {daysLate: 0, points: 0});
  const course = {policy: 'last' as const, assignments: {'26': {deadline, latePenalty: {perDayPercent: 50}}}};
  const late = buildGradebook(attempts, [], {course}).students[0].labs['26'];
  t.is(late.file, 'a3');
  t.is(late.daysLate, 3);
  t.is(late.rawScore, maxScore26);
  t.is(late.score, 0);
  // With the penalty, the on-time full score is the best.
  const best = buildGradebook(attempts, [], {course: {...course, policy: 'best'}}).students[0].labs['26'];
  t.is(best.file, 'a1');
  t.is(best.score, maxScore26);
});

test('an extension moves one student\'s deadline, no one else\'s', (t) => {
  const bob = attempts.map((a, i) => ({file: `b${i + 1}`, results: {...a.results, extra_data: {...a.results.extra_data, student: 'bob'}}}));
  const course = {assignments: {'26': {deadline, latePenalty: {perDayPercent: 50}}}, extensions: [{student: 'bob', assignment: '26', deadline: '2025-03-10T00:00:00Z'}]};
  const gb = buildGradebook([...attempts, ...bob], [], {course});
  const [alice, bobRow] = gb.students;
  t.is(alice.labs['26'].file, 'a2');
  t.is(bobRow.labs['26'].file, 'b3');
  t.is(bobRow.labs['26'].score, maxScore26);
  t.is(bobRow.labs['26'].daysLate, 0);
});

test('course file errors name the file and the JSON path', (t) => {
  const bad = (json: unknown) => t.throws(() => parseCourse('course.json', JSON.stringify(json)))!.message;
  t.is(bad({polcy: 'best'}), 'course.json: $.polcy: unknown key (allowed: policy, assignments, extensions)');
  t.is(bad({policy: 'newest'}), 'course.json: $.policy: expected which attempt counts: "best", "last" or "last-before-deadline", found "newest"');
  t.regex(bad({assignments: {'26': {deadline: 'Friday'}}}), /^course\.json: \$\.assignments\[26\]\.deadline: expected a date and time in ISO 8601/);
  t.is(bad({assignments: {'26': {latePenalty: {perDayPercent: 150}}}}), 'course.json: $.assignments[26].latePenalty.perDayPercent: expected a percent from 0 to 100, found 150');
  t.is(bad({extensions: [{student: 'x', deadline}]}), 'course.json: $.extensions[0].assignment: missing');
  t.regex(t.throws(() => parseCourse('course.json', '{"policy": "best",}'))!.message, /^course\.json: invalid JSON at line 1/);
});
