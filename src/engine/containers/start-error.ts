/**
 * A start that failed: the exit code Docker records for it, from the failure's kind (127 the command was not
 * found, 126 it cannot be executed, 128 anything else), and the error the client gets.
 */
import {invalidArgument} from '../errors.js';
import {ExecutableError} from '../runtime/executable-check.js';
import {RuntimeError} from '../runtime/runtime-error.js';
import {ShimError} from '../runtime/shim-client.js';

export function startExitCode(error: unknown): number {
  if (error instanceof ExecutableError || error instanceof RuntimeError) {
    if (error.failure === 'not-found') return 127;
    if (error.failure === 'not-executable') return 126;
  }
  return 128;
}

/** The process could not be created: a 400 in dockerd's words, which the docker CLI maps to its exit codes. */
export function startErrorForClient(error: unknown): Error {
  if (error instanceof ExecutableError || error instanceof ShimError) {
    return invalidArgument(`failed to create task for container: OCI runtime create failed: unable to start container process: ${error.message}`);
  }
  return error as Error;
}
