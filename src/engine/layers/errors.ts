import {displayName} from './paths.js';

/**
 * A layer archive that cannot be applied safely, or a stored layer that no longer matches
 * its tar-split record. `entry` is the offending archive member when there is one.
 */
export class LayerError extends Error {
  readonly entry: string | undefined;

  constructor(message: string, entry?: string) {
    super(entry === undefined ? message : `layer entry ${JSON.stringify(displayName(entry))}: ${message}`);
    this.name = 'LayerError';
    this.entry = entry === undefined ? undefined : displayName(entry);
  }
}

/** Wraps an unexpected filesystem failure so the caller still learns which entry caused it. */
export function entryFailure(entry: string, action: string, error: unknown): LayerError {
  if (error instanceof LayerError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new LayerError(`${action}: ${reason}`, entry);
}
