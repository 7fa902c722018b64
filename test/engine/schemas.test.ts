/**
 * The engine's JSON Schemas (daemon.json, the OCI runtime config, the typed request bodies) are valid JSON Schema:
 * the engine compiles them without checking them against the meta-schema, because that check costs seconds of its
 * start in an emulated VM, so it is made here instead.
 */
import test from 'ava';
import {Ajv, type SchemaObject} from 'ajv';
import {daemonConfigSchema} from '../../src/engine/config/schema.js';
import {ociConfigSchema} from '../../src/engine/runtime/oci-schema.js';
import {toSchema, type GoType} from '../../src/engine/api/bodies/go-types.js';
import * as containerTypes from '../../src/engine/api/bodies/container-types.js';
import * as otherTypes from '../../src/engine/api/bodies/other-types.js';

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
