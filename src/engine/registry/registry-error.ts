/** A registry that failed or refused, in words dockerd uses; `kind` says how the API answers it. */
import type {ErrorKind} from '../errors.js';

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    message: string,
    readonly kind: ErrorKind = 'system',
    /** The registry's own error code (MANIFEST_UNKNOWN, UNAUTHORIZED, ...), when it gave one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The registry's `{"errors":[{"code","message"}]}` body as distribution words it: `manifest unknown: manifest unknown`. */
export function registryErrorText(body: string): {text: string; code?: string} | undefined {
  try {
    const data = JSON.parse(body) as {errors?: Array<{code?: string; message?: string}>};
    const errors = data.errors ?? [];
    if (!Array.isArray(errors) || errors.length === 0) return undefined;
    const one = (e: {code?: string; message?: string}) => {
      const code = (e.code ?? 'unknown').toLowerCase().replace(/_/g, ' ');
      return e.message ? `${code}: ${e.message}` : code;
    };
    return {text: errors.length === 1 ? one(errors[0]) : `errors:\n${errors.map(one).join('\n')}`, code: errors[0].code};
  } catch {
    return undefined;
  }
}
