/**
 * Typed request bodies: a JSON body is read as dockerd reads it into its Go type (bodies/go-types.ts) and
 * refused with dockerd's message before any handler sees it, so nothing is stored from a body of the wrong shape.
 */
import type {IncomingMessage} from 'node:http';
import {Ajv, type ValidateFunction} from 'ajv';
import {invalidArgument} from '../errors.js';
import {canonical, toSchema, unmarshalError, type GoType} from './bodies/go-types.js';
import {readJsonBody} from './respond.js';

// The schemas are made from the engine's own types and checked against the meta-schema by
// test/engine/schemas.test.ts; doing that here would compile the meta-schema at the first request (seconds in a VM).
const ajv = new Ajv({allErrors: false, strict: false, validateSchema: false});
const validators = new WeakMap<GoType, ValidateFunction>();

function validatorFor(type: GoType): ValidateFunction {
  let validate = validators.get(type);
  if (!validate) {
    validate = ajv.compile(toSchema(type));
    validators.set(type, validate);
  }
  return validate;
}

/** dockerd's CheckForJSON: no Content-Type is fine, any other than JSON is refused. */
export function checkJsonContentType(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (!type) return;
  if (type.split(';')[0].trim().toLowerCase() !== 'application/json') throw invalidArgument(`Content-Type specified (${type}) must be 'application/json'`);
}

/** The value read as `type`: keys spelled as its fields, checked against it; throws dockerd's unmarshal error. */
export function decodeAs<T>(type: GoType, value: unknown): T {
  const shaped = canonical(type, value);
  const validate = validatorFor(type);
  if (!validate(shaped)) throw invalidArgument(unmarshalError(type, shaped, validate.errors?.[0]?.instancePath ?? ''));
  return shaped as T;
}

/** The request's JSON body as `type`, or undefined when it is empty. */
export async function readTypedBody<T>(req: IncomingMessage, type: GoType): Promise<T | undefined> {
  checkJsonContentType(req);
  const body = await readJsonBody<unknown>(req);
  return body === undefined ? undefined : decodeAs<T>(type, body);
}
