/** homework.json: lab 26's loads; broken definitions get one error naming the file and the JSON path. */
import test from 'ava';
import {loadExercise} from '../../src/lab/exercises/load.js';
import {loadHomework, parseHomework} from '../../src/lab/homework/load.js';

const valid = () => JSON.parse(JSON.stringify({...loadHomework('26'), file: undefined})) as Record<string, any>;

test("lab 26's homework loads, with weighted checks of every kind, and the lab itself still loads", (t) => {
  const hw = loadHomework('26');
  t.is(hw.lab, '26');
  t.truthy(hw.task.ru && hw.task.en);
  t.deepEqual(new Set(hw.checks.map((c) => c.kind)), new Set(['submission-safe', 'builds', 'no-base', 'static-entrypoint', 'runs', 'image-size']));
  t.is(hw.run.expectStdout, 'Hello, World!');
  t.is(loadExercise('26').steps.length, 8);
});

test('schema errors name the file and the JSON path', (t) => {
  const extra = valid();
  extra.checks[1].wieght = 2;
  t.regex(t.throws(() => parseHomework('/x/homework.json', JSON.stringify(extra)))!.message, /^\/x\/homework\.json: at \/checks\/1: must NOT have additional properties "wieght"$/);
  const kind = valid();
  kind.checks[0].kind = 'compiles';
  t.regex(t.throws(() => parseHomework('/x/homework.json', JSON.stringify(kind)))!.message, /^\/x\/homework\.json: at \/checks\/0\/kind: must be equal to one of the allowed values \(submission-safe, builds/);
  const memory = valid();
  memory.limits.memoryMb = 1;
  t.regex(t.throws(() => parseHomework('/x/homework.json', JSON.stringify(memory)))!.message, /at \/limits\/memoryMb: must be >= 6/);
  const missing = valid();
  delete missing.limits.runTimeoutSeconds;
  t.regex(t.throws(() => parseHomework('/x/homework.json', JSON.stringify(missing)))!.message, /at \/limits: must have required property 'runTimeoutSeconds'/);
  const twice = valid();
  twice.checks[2].id = twice.checks[1].id;
  t.regex(t.throws(() => parseHomework('/x/homework.json', JSON.stringify(twice)))!.message, /at \/checks\/2\/id: the check id "builds" is used twice/);
  t.regex(t.throws(() => parseHomework('/x/homework.json', '{\n  "lab": "26",\n}'))!.message, /^\/x\/homework\.json: invalid JSON at line 3/);
});

test('a lab without homework, or a bad lab id, is one clear error', (t) => {
  t.regex(t.throws(() => loadHomework('arch'))!.message, /lab arch has no homework \(.*homework\.json does not exist\)/);
  t.regex(t.throws(() => loadHomework('../26'))!.message, /not a lab id/);
});
