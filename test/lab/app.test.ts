/** The lab's verbs as functions: a new session, the work dir, answers and hints, without an environment. */
import {homedir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {answerValue, nextHint} from '../../src/lab/app/answer-and-hint.js';
import {labWorkdir} from '../../src/lab/app/start-lab.js';
import type {Exercise, StepDef} from '../../src/lab/exercises/types.js';
import {createSession, type Session} from '../../src/lab/session/session.js';

const en = (text: string) => ({en: text});
const steps: StepDef[] = [
  {id: 'pick', title: en('Pick'), concept: en(''), solve: 'pick.sh', question: {choices: {a: en('one'), b: en('two')}}, checks: [{id: 'picked', grader: 'answer'}]},
  {
    id: 'find', title: en('Find'), concept: en(''), solve: 'find.sh', answers: {pid: {pattern: '^\\d+( \\d+)*$', example: '4242'}},
    checks: [{id: 'found', grader: 'answer', hints: [en('look in /proc'), en('run ps')]}, {id: 'kept', grader: 'x', hints: [en('keep it')]}],
  },
];
const exercise = {id: '99', steps} as unknown as Exercise;

function session(): Session {
  return createSession({lab: '99', provider: 'local', envName: 'lab99', workdir: '/w', lang: 'en', student: 's', images: {}, params: {token: 'ab'}});
}

test('a new session starts now, with nothing answered, passed or hinted', (t) => {
  const before = Math.floor(Date.now() / 1000);
  const s = session();
  t.true(s.startedAt >= before - 1 && s.startedAt <= before);
  t.deepEqual([s.answers, s.progress, s.hints], [{}, {}, {}]);
  t.deepEqual(s.params, {token: 'ab'});
  t.is(s.baseline, undefined);
});

test('the work dir: resolved here for local, the remote user\'s home elsewhere, an absolute --dir as given', (t) => {
  t.is(labWorkdir({provider: 'local', exercise}), join(homedir(), 'lab99'));
  t.is(labWorkdir({provider: 'local', exercise, dir: 'rel'}), join(process.cwd(), 'rel'));
  t.is(labWorkdir({provider: 'qemu', exercise}), '/root/lab99');
  t.is(labWorkdir({provider: 'ssh', exercise, ssh: {host: 'h', port: 22, user: 'ann', keyPath: '/k'}}), '/home/ann/lab99');
  t.is(labWorkdir({provider: 'ssh', exercise, ssh: {host: 'h', port: 22, user: 'ann', keyPath: '/k'}, dir: '/srv/x'}), '/srv/x');
});

test('an answer: one letter of a question, values that match a pattern, and errors that say what is accepted', (t) => {
  t.is(answerValue('99', steps, 'pick', ['B']), 'b');
  t.throws(() => answerValue('99', steps, 'pick', ['c']), {message: 'choose one of: a, b'});
  t.throws(() => answerValue('99', steps, 'pick', ['a', 'b']), {message: 'choose one of: a, b'});
  t.is(answerValue('99', steps, 'pid', ['12', '34']), '12 34');
  t.throws(() => answerValue('99', steps, 'pid', ['x']), {message: '"x" is not an answer to pid (it looks like: 4242)'});
  t.throws(() => answerValue('99', steps, 'nope', ['a']), {message: '"nope" is not a question of lab 99 (questions: pick, pid)'});
});

test('hints: the first unfinished step, each call the next hint, the last one kept; none when all is done', (t) => {
  const s = session();
  s.progress.pick = {picked: {passedAt: 'then', verdict: {pass: true, observed: '', expected: '', concept: ''}}};
  const first = nextHint(exercise, s, undefined);
  t.is(first?.step.id, 'find');
  t.true(first?.first);
  t.deepEqual(first?.hint, {text: en('look in /proc'), number: 1, of: 3});
  nextHint(exercise, s);
  const third = nextHint(exercise, s);
  t.false(third?.first);
  t.deepEqual(third?.hint, {text: en('keep it'), number: 3, of: 3});
  t.is(nextHint(exercise, s)?.hint?.number, 3);
  t.is(s.hints.find, 4);
  t.is(nextHint(exercise, s, 'pick')?.hint, undefined);
  t.throws(() => nextHint(exercise, s, 'nope'), {message: 'no step "nope"'});
  s.progress.find = {found: {passedAt: 'then', verdict: {pass: true, observed: '', expected: '', concept: ''}}, kept: {passedAt: 'then', verdict: {pass: true, observed: '', expected: '', concept: ''}}};
  t.is(nextHint(exercise, s), undefined);
});
