/**
 * JSON files people write by hand (daemon.json, lab definitions, homework, results files), read strictly: no
 * comments, no trailing commas. A syntax error says where, as "invalid JSON at line L, column C: <what>".
 */
import type {ErrorObject} from 'ajv';
import {parse as parseJsonc, printParseErrorCode, type ParseError} from 'jsonc-parser';

/** The parsed value; a syntax error becomes `fail(message)`, thrown. */
export function parseStrictJson(text: string, fail: (message: string) => Error): unknown {
  const errors: ParseError[] = [];
  const data: unknown = parseJsonc(text, errors, {disallowComments: true, allowTrailingComma: false, allowEmptyContent: false});
  if (errors.length === 0) return data;
  const {offset, error} = errors[0];
  const before = text.slice(0, offset);
  throw fail(`invalid JSON at line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}: ${printParseErrorCode(error)}`);
}

/**
 * One schema error as "at /json/path: message", with the unknown key or the allowed values where they help, and
 * the allowed keys when the error carries its object's schema (ajv's verbose option).
 */
export function schemaErrorAt(e: ErrorObject): string {
  const keys = Object.keys((e.parentSchema?.properties ?? {}) as object);
  const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as {additionalProperty: string}).additionalProperty}"${keys.length ? ` (allowed: ${keys.join(', ')})` : ''}`
    : e.keyword === 'enum' ? ` (${(e.params as {allowedValues: unknown[]}).allowedValues.join(', ')})` : '';
  return `at ${e.instancePath || '(top level)'}: ${e.message}${extra}`;
}
