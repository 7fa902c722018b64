/**
 * The Engine API's request types described as Go declares them, so that a body is read as dockerd's
 * encoding/json reads it: object keys matched to field names case-insensitively, a one-string command read as a
 * list (Go's strslice), null accepted anywhere (the zero value), unknown keys ignored, and a value of the wrong
 * type refused with Go's own words ("json: cannot unmarshal string into Go struct field ... of type int64").
 * The types are compiled to JSON Schema and checked with ajv; these helpers only shape and explain.
 */
import type {SchemaObject} from 'ajv';

export type GoType =
  | {kind: 'string' | 'bool' | 'any' | 'float'; name?: string}
  | {kind: 'int'; name: string; min: number; max: number}
  /** Cmd, Entrypoint, Shell: a list of strings, or one string meaning a list of one. */
  | {kind: 'strslice'}
  | {kind: 'list'; of: GoType; name?: string}
  | {kind: 'map'; of: GoType; name?: string}
  | {kind: 'struct'; name: string; qualified: string; fields: Record<string, GoType>};

export const string: GoType = {kind: 'string'};
export const bool: GoType = {kind: 'bool'};
export const any: GoType = {kind: 'any'};
export const float64: GoType = {kind: 'float', name: 'float64'};
export const strslice: GoType = {kind: 'strslice'};
export const named = (name: string, base: GoType): GoType => ({...base, name} as GoType);
export const int64: GoType = {kind: 'int', name: 'int64', min: -(2 ** 63), max: 2 ** 63 - 1};
export const int: GoType = {...int64, name: 'int'} as GoType;
export const uint16: GoType = {kind: 'int', name: 'uint16', min: 0, max: 65535};
export const uint32: GoType = {kind: 'int', name: 'uint32', min: 0, max: 2 ** 32 - 1};
export const uint64: GoType = {kind: 'int', name: 'uint64', min: 0, max: 2 ** 64 - 1};
/** time.Duration: nanoseconds as an integer. */
export const duration: GoType = {...int64, name: 'time.Duration'} as GoType;
export const list = (of: GoType, name?: string): GoType => ({kind: 'list', of, name});
export const map = (of: GoType, name?: string): GoType => ({kind: 'map', of, name});
/** `qualified` is the package-qualified name Go prints for the type ("container.HostConfig"). */
export const struct = (qualified: string, fields: Record<string, GoType>): GoType => ({kind: 'struct', name: qualified.split('.').at(-1)!, qualified, fields});
/** map[string]struct{}: ExposedPorts and Volumes. */
export const emptyStructSet: GoType = map({kind: 'struct', name: '', qualified: 'struct {}', fields: {}});
export const stringList = list(string);
export const stringMap = map(string);

function typeName(t: GoType): string {
  switch (t.kind) {
    case 'strslice':
      return 'string';
    case 'struct':
      return t.qualified;
    case 'list':
      return t.name ?? `[]${typeName(t.of)}`;
    case 'map':
      return t.name ?? `map[string]${typeName(t.of)}`;
    case 'any':
      return 'interface {}';
    case 'bool':
      return t.name ?? 'bool';
    default:
      return t.name ?? t.kind;
  }
}

/** JSON Schema for the type; null is valid everywhere, as Go leaves the zero value. */
export function toSchema(t: GoType): SchemaObject {
  switch (t.kind) {
    case 'string':
      return {type: ['string', 'null']};
    case 'bool':
      return {type: ['boolean', 'null']};
    case 'float':
      return {type: ['number', 'null']};
    case 'any':
      return {};
    case 'int':
      return {type: ['integer', 'null'], minimum: t.min, maximum: t.max};
    case 'strslice':
      return {type: ['array', 'null'], items: {type: 'string'}};
    case 'list':
      return {type: ['array', 'null'], items: toSchema(t.of)};
    case 'map':
      return {type: ['object', 'null'], additionalProperties: toSchema(t.of)};
    case 'struct':
      return {type: ['object', 'null'], properties: Object.fromEntries(Object.entries(t.fields).map(([k, v]) => [k, toSchema(v)]))};
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The field a JSON key sets: the exact name, else the first that matches ignoring case (Go's rule). */
function fieldFor(fields: Record<string, GoType>, key: string): string | undefined {
  if (key in fields) return key;
  const folded = key.toLowerCase();
  return Object.keys(fields).find((f) => f.toLowerCase() === folded);
}

/** The value with struct keys spelled as the fields they set and one-string commands as lists. */
export function canonical(t: GoType, value: unknown): unknown {
  if (t.kind === 'strslice') return typeof value === 'string' ? [value] : value;
  if (t.kind === 'list' && Array.isArray(value)) return value.map((v) => canonical(t.of, v));
  if (t.kind === 'map' && isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(t.of, v)]));
  if (t.kind === 'struct' && isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const field = fieldFor(t.fields, key);
      // A later key for the same field wins, as in Go; unknown keys are left as they are.
      if (field) out[field] = canonical(t.fields[field], v);
      else if (!(key in out)) out[key] = v;
    }
    return out;
  }
  return value;
}

function jsonKind(value: unknown, target: GoType): string {
  if (typeof value === 'number') {
    // Go names the number itself when it is one but does not fit the integer type.
    return target.kind === 'int' ? `number ${JSON.stringify(value).replace('e+', 'e')}` : 'number';
  }
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : 'string';
}

/** Go's message for the wrong value at a JSON pointer (ajv's instancePath) inside a body of type `root`. */
export function unmarshalError(root: GoType, body: unknown, instancePath: string): string {
  const segments = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let type = root;
  let value = body;
  let structName = '';
  const fieldPath: string[] = [];
  for (const seg of segments) {
    value = (value as Record<string, unknown>)?.[seg];
    if (type.kind === 'struct') {
      structName = type.name;
      fieldPath.push(seg);
      type = type.fields[seg] ?? any;
    } else if (type.kind === 'list' || type.kind === 'map') {
      type = type.of;
    } else if (type.kind === 'strslice') {
      type = string;
    }
  }
  if (fieldPath.length === 0) return `json: cannot unmarshal ${jsonKind(value, type)} into Go value of type ${typeName(type)}`;
  return `json: cannot unmarshal ${jsonKind(value, type)} into Go struct field ${structName}.${fieldPath.join('.')} of type ${typeName(type)}`;
}
