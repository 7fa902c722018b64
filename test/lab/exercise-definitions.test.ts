/** Exercise files: lab 26 is valid; broken definitions get one error naming the file and the place. */
import test from 'ava';
import {loadExercise, parseExercise} from '../../src/lab/exercises/load.js';

test('lab 26 loads and has its eight steps, each with a solve script and at least two mutations', (t) => {
  const ex = loadExercise('26');
  t.is(ex.steps.length, 8);
  for (const s of ex.steps) t.true((s.mutations ?? []).length >= 2, s.id);
});

test('schema errors name the file and the JSON path', (t) => {
  const dir = loadExercise('26').dir;
  const e = t.throws(() => parseExercise('/x/lab.json', JSON.stringify({id: '9', title: {en: 'x'}, locales: ['en'], steps: [{id: 'a', title: {en: 'a'}, concept: {en: 'c'}, solve: 'solve/01-compile-dynamic.sh', checks: [{id: 'c', grader: 'elf.hostBinary', wieght: 1}]}]}), dir));
  t.regex(e!.message, /\/x\/lab\.json: at \/steps\/0\/checks\/0: must NOT have additional properties "wieght"/);
  const g = t.throws(() => parseExercise('/x/lab.json', JSON.stringify({id: '9', title: {en: 'x'}, locales: ['en'], steps: [{id: 'a', title: {en: 'a'}, concept: {en: 'c'}, solve: 'solve/01-compile-dynamic.sh', checks: [{id: 'c', grader: 'elf.nothing'}]}]}), dir));
  t.regex(g!.message, /unknown grader "elf\.nothing"/);
  const j = t.throws(() => parseExercise('/x/lab.json', '{\n  "id": "9",\n}', dir));
  t.regex(j!.message, /\/x\/lab\.json: invalid JSON at line 3/);
});
