/** homework.json: lab 26's loads; broken definitions get one error naming the file and the JSON path. */
import test from 'ava';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadExercise} from '../../src/lab/exercises/load.js';
import {lintHomework, loadHomework, parseHomework} from '../../src/lab/homework/load.js';
import {runLab} from '../helpers/cli.js';

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
  t.regex(t.throws(() => parseHomework('/x/homework.json', JSON.stringify(extra)))!.message, /^\/x\/homework\.json: at \/checks\/1: must NOT have additional properties "wieght" \(allowed: id, kind, weight, .*\): did you mean "weight"\?$/);
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

/** A definition with test cases: arguments, stdin, and each way of expecting output. */
const withCases = () => {
  const hw = valid();
  hw.checks.push({
    id: 'cases', kind: 'cases', weight: 3, title: {en: 'Cases'},
    cases: [
      {name: 'no arguments', stdout: {exact: 'Hello, World!'}},
      {name: 'a name', args: ['Ada'], stdout: {contains: 'Ada'}},
      {name: 'from stdin', stdin: 'Bob\n', stdout: {regex: '^Hello, \\w+!$'}, exitCode: 0},
    ],
  });
  hw.checks.push({id: 'source', kind: 'source', weight: 1, title: {en: 'Source'}, files: ['*.c'], pattern: 'int\\s+main'});
  return hw;
};

test('test cases and source checks load, with defaults for arguments and exit codes', (t) => {
  const hw = parseHomework('/x/homework.json', JSON.stringify(withCases()));
  const cases = hw.checks.find((c) => c.id === 'cases')!.cases!;
  t.deepEqual(cases[0], {name: 'no arguments', args: [], exitCode: 0, stdout: {exact: 'Hello, World!'}});
  t.is(cases[2].stdin, 'Bob\n');
  t.deepEqual(hw.checks.find((c) => c.id === 'source')!.files, ['*.c']);
  t.is(hw.limits.fileMaxKb, hw.limits.submissionMaxKb, 'one file may be as large as the whole submission unless said otherwise');
});

test('lint reports every problem at once, each with the file and JSON path, and suggests the key meant', (t) => {
  const hw = withCases();
  hw.limitz = hw.limits;
  delete hw.limits;
  hw.checks[6].cases[1].stdout = {contains: 'Ada', regex: 'A'};
  hw.checks[6].cases[2].stdout = {regex: '(unclosed'};
  delete hw.checks[6].cases[0].name;
  hw.checks[7].files = ['../../etc/passwd'];
  hw.checks.push({id: 'more', kind: 'cases', weight: 1, title: {en: 'x'}});
  const problems = lintHomework('/x/hw.json', JSON.stringify(hw));
  const all = problems.join('\n');
  t.regex(all, /^\/x\/hw\.json: at \(top level\): must NOT have additional properties "limitz" .*: did you mean "limits"\?$/m);
  t.regex(all, /^\/x\/hw\.json: at \(top level\): must have required property 'limits'$/m);
  t.regex(all, /^\/x\/hw\.json: at \/checks\/6\/cases\/0: must have required property 'name'$/m);
  t.regex(all, /^\/x\/hw\.json: at \/checks\/6\/cases\/1\/stdout: must NOT have more than 1 properties$/m);
  t.regex(all, /^\/x\/hw\.json: at \/checks\/6\/cases\/2\/stdout\/regex: must match format "regex"$/m);
  t.regex(all, /^\/x\/hw\.json: at \/checks\/7\/files\/0: /m);
  t.regex(all, /^\/x\/hw\.json: at \/checks\/8: must have required property 'cases'$/m);
  t.false(/must match "then" schema/.test(all), 'no noise from the schema\'s own structure');
  // Loading names the first problem and how many more there are.
  t.regex(t.throws(() => parseHomework('/x/hw.json', JSON.stringify(hw)))!.message, /^\/x\/hw\.json: at \(top level\): must NOT have additional properties "limitz".*\(and \d+ more: see lab homework lint\)$/);
  t.deepEqual(lintHomework('/x/hw.json', JSON.stringify(withCases())), []);
});

test('lab homework lint: exit 0 and OK for a good file, 2 and every problem for a bad one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-homework-lint-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(withCases()));
  const ok = await runLab(['homework', 'lint', good]);
  t.is(ok.code, 0, ok.stderr);
  t.is(ok.stdout.trim(), `${good}: OK`);
  const hw = withCases();
  hw.limitz = hw.limits;
  delete hw.limits;
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify(hw));
  const r = await runLab(['homework', 'lint', bad]);
  t.is(r.code, 2);
  t.regex(r.stderr, /bad\.json: at \(top level\): must NOT have additional properties "limitz".*did you mean "limits"\?/);
  const json = await runLab(['homework', 'lint', bad, '--json']);
  t.like(JSON.parse(json.stdout), {ok: false});
  t.is(JSON.parse(json.stdout).problems.length, 2);
});
