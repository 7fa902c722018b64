/** Grader parameters: every grader declares a schema, a lab's check params must fit it, and graders refuse params that do not. */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {Ajv} from 'ajv';
import {graders} from '../../graders/index.js';
import type {Snapshot} from '../../graders/snapshot.js';
import {loadExercise, parseExercise} from '../../src/lab/exercises/load.js';

test('every grader in the registry declares its params: an object schema that refuses unknown keys and requires only keys it knows', (t) => {
  const ajv = new Ajv({strict: true});
  t.true(Object.keys(graders).length >= 27);
  for (const [name, g] of Object.entries(graders)) {
    const schema = g.params;
    t.is(schema.type, 'object', name);
    t.is(schema.additionalProperties, false, name);
    const known = Object.keys(schema.properties as object);
    for (const key of (schema.required ?? []) as string[]) t.true(known.includes(key), `${name} requires ${key}, which it does not declare`);
    t.notThrows(() => ajv.compile(schema), name);
  }
});

/** Lab 26 as written, with one change; parsed as exercises/26/lab.json. */
function lab26With(change: (lab: any) => void): () => unknown {
  const dir = loadExercise('26').dir;
  const lab = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8'));
  change(lab);
  return () => parseExercise('exercises/26/lab.json', JSON.stringify(lab), dir);
}

test('the shipped labs load: every check\'s params fit its grader, templates included', (t) => {
  for (const id of ['26', 'arch']) t.notThrows(() => loadExercise(id), id);
  // The arch lab writes its port as a template ({{params.tcpPort}}) where the grader asks for a number.
  t.is(loadExercise('arch').steps.flatMap((s) => s.checks).find((c) => c.grader === 'daemon.configured')?.params?.port, '{{params.tcpPort}}');
});

test('a typo\'d key is refused with the file, the JSON path, the key and the keys allowed', (t) => {
  const e = t.throws(lab26With((lab) => {
    const p = lab.steps[3].checks[0].params;
    p.questoin = p.question;
    delete p.question;
  }));
  t.is(e!.message, 'exercises/26/lab.json: at /steps/3/checks/0/params: must NOT have additional properties "questoin" (allowed: question, correct, concept)');
});

test('a param of the wrong type is refused at its own path', (t) => {
  const e = t.throws(lab26With((lab) => {
    lab.steps[5].checks[0].params.mode = '0755';
  }));
  t.is(e!.message, 'exercises/26/lab.json: at /steps/5/checks/0/params/mode: must be integer');
  const linkage = t.throws(lab26With((lab) => {
    lab.steps[0].checks[0].params.linkage = 'shared';
  }));
  t.is(linkage!.message, 'exercises/26/lab.json: at /steps/0/checks/0/params/linkage: must be equal to one of the allowed values (static, dynamic)');
});

test('a missing required param is refused, also when the check has no params at all', (t) => {
  const e = t.throws(lab26With((lab) => {
    delete lab.steps[0].checks[0].params.linkage;
  }));
  t.is(e!.message, 'exercises/26/lab.json: at /steps/0/checks/0/params: must have required property \'linkage\'');
  const none = t.throws(lab26With((lab) => {
    delete lab.steps[4].checks[0].params;
  }));
  t.is(none!.message, 'exercises/26/lab.json: at /steps/4/checks/0/params: must have required property \'imageId\'');
});

test('an unknown key elsewhere in lab.json now lists the allowed keys too', (t) => {
  const e = t.throws(lab26With((lab) => {
    lab.steps[0].checks[0].wieght = 1;
  }));
  t.regex(e!.message, /^exercises\/26\/lab\.json: at \/steps\/0\/checks\/0: must NOT have additional properties "wieght" \(allowed: id, grader, params, weight, guard, hints\)$/);
});

const empty: Snapshot = {takenAt: '', answers: {}, host: {namespaces: {}, files: {}}, engine: {reachable: true, images: [], containers: [], events: []}};

test('a grader checks its params once templates are filled: digits become the number asked for, anything else is refused', (t) => {
  const listening = graders['daemon.listening'];
  t.regex(listening(empty, {port: '2375'}).observed, /daemon is not running/, 'a filled template may leave the port as text');
  t.throws(() => listening(empty, {port: 'tcp'}), {message: 'params at /port: must be integer'});
  t.throws(() => listening(empty, {port: 2375, prot: 1}), {message: /params at \(top level\): must NOT have additional properties "prot"/});
  const params = {port: '2375'};
  listening(empty, params);
  t.deepEqual(params, {port: '2375'}, 'the caller\'s params are left as they were');
});
