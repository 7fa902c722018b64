/**
 * A grader: a pure function of the observed state and the check's parameters to a verdict. Each declares its
 * parameters as JSON Schema: a lab is refused at load time when a check's params do not fit (a typo'd key, a
 * wrong type, a missing one), and the grader reads them typed, as the schema promises, without casts.
 */
import {Ajv, type AnySchemaObject, type JSONSchemaType, type ValidateFunction} from 'ajv';
import {schemaErrorAt} from '../src/common/strict-json.js';
import type {Snapshot} from './snapshot.js';
import type {Verdict} from './verdict.js';

export interface Grader {
  (snapshot: Snapshot, params: Record<string, unknown>): Verdict;
  /** The JSON Schema of its parameters (additional keys refused). */
  readonly params: AnySchemaObject;
}

export type {Snapshot, Verdict};
export {pass, fail} from './verdict.js';

/** The linkage of an ELF program, as several graders ask for it. */
export type Linkage = 'static' | 'dynamic';
export const linkage = {type: 'string', enum: ['static', 'dynamic']} as const;
/** A value the grader needs, and one it does without (JSONSchemaType marks an optional key nullable: null reads as absent). */
export const text = {type: 'string', minLength: 1} as const;
export const optionalText = {type: 'string', minLength: 1, nullable: true} as const;
export const texts = {type: 'array', items: text} as const;
/** A file mode as a number (0755 is written 493: JSON has no octal). */
export const mode = {type: 'integer', minimum: 0, maximum: 0o7777} as const;

// Filled templates turn digits into numbers ({{params.tcpPort}} → 2375), so types are coerced to what the schema says.
const ajv = new Ajv({allErrors: true, coerceTypes: true});

/** A grader reading params of type P, which its schema describes; params are checked (on a copy) before it runs. */
export function grader<P>(params: JSONSchemaType<P>, grade: (snapshot: Snapshot, params: P) => Verdict): Grader {
  let validate: ValidateFunction<P> | undefined;
  const run = (snapshot: Snapshot, given: Record<string, unknown>): Verdict => {
    validate ??= ajv.compile(params);
    const copy: unknown = structuredClone(given);
    if (!validate(copy)) throw new Error(`params ${schemaErrorAt(validate.errors![0])}`);
    return grade(snapshot, copy);
  };
  return Object.assign(run, {params: params as AnySchemaObject});
}
