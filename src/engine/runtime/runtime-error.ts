/**
 * Why a process could not be started, as a kind rather than words: the engine turns it into Docker's exit codes
 * (127 not found, 126 not executable, 128 anything else). runc says why only in text, so its words are read
 * here, once, where they enter the engine, as dockerd reads containerd's.
 */
export type StartFailure = 'not-found' | 'not-executable' | 'other';

export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(
    message: string,
    readonly failure: StartFailure = failureIn(message),
  ) {
    super(message);
  }
}

/** The kind of failure the runtime's message names. */
export function failureIn(message: string): StartFailure {
  if (/not found|no such file or directory/.test(message)) return 'not-found';
  if (/permission denied/.test(message)) return 'not-executable';
  return 'other';
}
