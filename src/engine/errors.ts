/**
 * The engine's errors, in its own terms: a kind says what went wrong, the message is dockerd's text for the
 * same failure (the docker CLI prints it as is). Only the API layer turns a kind into an HTTP status.
 */
export type ErrorKind =
  | 'not-found'
  | 'invalid-argument'
  | 'conflict'
  | 'forbidden'
  /** Credentials missing or refused (a registry's `unauthorized`). */
  | 'unauthorized'
  | 'unavailable'
  | 'not-implemented'
  /** The engine or the host failed at something the request was entitled to (dockerd's "system" errors). */
  | 'system';

export class EngineError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export const notFound = (message: string) => new EngineError('not-found', message);
export const invalidArgument = (message: string) => new EngineError('invalid-argument', message);
export const conflict = (message: string) => new EngineError('conflict', message);
export const unauthorized = (message: string) => new EngineError('unauthorized', message);
export const forbidden = (message: string) => new EngineError('forbidden', message);
export const unavailable = (message: string) => new EngineError('unavailable', message);
export const notImplemented = (message: string) => new EngineError('not-implemented', message);
export const systemError = (message: string) => new EngineError('system', message);
