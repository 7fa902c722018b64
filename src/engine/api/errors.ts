/** Engine errors as Docker-style API answers: an HTTP status and `{"message": ...}` that the CLI prints as is. */
import {EngineError, type ErrorKind} from '../errors.js';

/** The one place where a kind of engine error becomes a status. */
const statusOfKind: Record<ErrorKind, number> = {
  'invalid-argument': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  system: 500,
  'not-implemented': 501,
  unavailable: 503,
};

/** A status the HTTP layer decides itself, for a failure no engine kind names (a method a path does not take). */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** Anything else is the engine's own fault: 500, with the error's message. */
export function httpStatus(error: unknown): number {
  if (error instanceof HttpStatusError) return error.status;
  if (error instanceof EngineError) return statusOfKind[error.kind];
  return 500;
}
