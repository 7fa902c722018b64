/**
 * A check's params in lab.json against its grader's schema (graders/types.ts), so that a typo'd key, a wrong
 * type or a missing param stops the lab from loading instead of falling back to a default when it is graded.
 * lab.json writes params before the session fills its templates: any single value may instead be a string
 * with a {{template}} ("{{params.tcpPort}}" where a port number is asked), checked again once filled.
 */
import {Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction} from 'ajv';
import {schemaErrorAt} from '../../common/strict-json.js';
import type {Grader} from '../../../graders/types.js';

const template = {type: 'string', pattern: '\\{\\{'};

/** The schema of params as written: objects and arrays as the grader has them, each value also as a template. */
function asWritten(schema: AnySchemaObject): AnySchemaObject {
  if (schema.type === 'object') {
    const properties = Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, AnySchemaObject>).map(([k, s]) => [k, asWritten(s)]));
    const extra: unknown = schema.additionalProperties;
    return {...schema, properties, additionalProperties: extra && typeof extra === 'object' ? asWritten(extra) : extra ?? true};
  }
  if (schema.type === 'array') return {...schema, items: asWritten(schema.items as AnySchemaObject)};
  return {anyOf: [schema, template]};
}

// verbose: an unknown key's error carries its object's schema, so the message can list the allowed keys.
const ajv = new Ajv({allErrors: true, verbose: true, strict: false});
const validators = new WeakMap<Grader, ValidateFunction>();

/** Why the params at `at` (a JSON path in lab.json) do not fit the grader, in the loader's wording; undefined when they do. */
export function paramsProblem(grader: Grader, params: Record<string, unknown> | undefined, at: string): string | undefined {
  let validate = validators.get(grader);
  if (!validate) validators.set(grader, (validate = ajv.compile(asWritten(grader.params))));
  if (validate(params ?? {})) return undefined;
  const errors = validate.errors!;
  // A typo'd key also leaves a required one missing: naming the unknown key (and what is allowed) says more.
  const first: ErrorObject = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
  return schemaErrorAt({...first, instancePath: at + first.instancePath});
}
