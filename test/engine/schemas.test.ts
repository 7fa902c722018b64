/**
 * The engine's JSON Schemas (daemon.json, the OCI runtime config, the typed request bodies) are valid JSON Schema:
 * the engine compiles them without checking them against the meta-schema, because that check costs seconds of its
 * start in an emulated VM, so it is made here instead.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {Ajv, type SchemaObject} from 'ajv';
import {daemonConfigSchema} from '../../src/engine/config/schema.js';
import {validate as generatedValidate} from '../../src/engine/config/daemon-config-validator.js';
import {daemonConfigValidatorSource, validatorFile} from '../../src/engine/config/validator-source.js';
import {packageRoot} from '../../src/common/package-root.js';
import {ociConfigSchema} from '../../src/engine/runtime/oci-schema.js';
import {toSchema, type GoType} from '../../src/engine/api/bodies/go-types.js';
import * as containerTypes from '../../src/engine/api/bodies/container-types.js';
import * as otherTypes from '../../src/engine/api/bodies/other-types.js';

const root = packageRoot();
const ajv = new Ajv({allErrors: true, strict: false});
const problems = (schema: SchemaObject) => (ajv.validateSchema(schema) ? [] : (ajv.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

test('the meta-schema check finds a wrong schema', (t) => {
  t.not(problems({type: 'object', properties: {a: {type: 'no-such-type'}}}).length, 0);
  t.not(problems({type: 'object', required: 'a'}).length, 0);
});

test('daemon.json schema is valid JSON Schema', (t) => {
  t.deepEqual(problems(daemonConfigSchema as SchemaObject), []);
});

test('the OCI runtime config schema is valid JSON Schema', (t) => {
  t.deepEqual(problems(ociConfigSchema as SchemaObject), []);
});

test('every request body type makes valid JSON Schema', (t) => {
  const types = Object.entries({...containerTypes, ...otherTypes}).filter(([, v]) => typeof v === 'object' && v !== null && 'kind' in v);
  t.true(types.length >= 10, `found ${types.length} body types`);
  for (const [name, type] of types) t.deepEqual(problems(toSchema(type as GoType)), [], name);
});

test('the daemon.json validator compiled ahead of time is the one the schema makes today', (t) => {
  // Out of date after a change to schema.ts (or to ajv): run `npm run build && npm run gen:validators`.
  t.is(readFileSync(join(root, validatorFile), 'utf8'), daemonConfigValidatorSource());
});

test('the compiled daemon.json validator refuses what the schema refuses, with the same errors', (t) => {
  const compiled = new Ajv({allErrors: true, strict: false}).compile(daemonConfigSchema);
  const samples: unknown[] = [
    {}, {'data-root': '/x', hosts: ['unix:///a.sock']}, {'data-root': ''}, {'data-root': 'relative'}, {hosts: ['unix:///a', 'unix:///a']},
    {'log-level': 'loud'}, {'no-such-key': 1, debug: 'yes'}, {group: '\u{1F600}'}, {'default-address-pools': [{base: '10.0.0.0/8'}]}, [],
  ];
  for (const sample of samples) {
    const ok = generatedValidate(sample);
    t.is(ok, compiled(sample), JSON.stringify(sample));
    t.deepEqual((generatedValidate as unknown as {errors: unknown}).errors ?? null, compiled.errors ?? null, JSON.stringify(sample));
  }
  t.false(generatedValidate({'data-root': 'relative'}));
});
