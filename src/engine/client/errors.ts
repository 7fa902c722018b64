/** An answer of the engine with an error status, with the message dockerd put in its body. */
export class EngineApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** dockerd's own words: the body's "message", else the body as text. */
    readonly engineMessage: string,
  ) {
    super(`${path}: ${status} ${engineMessage}`);
    this.name = 'EngineApiError';
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof EngineApiError && error.status === 404;
}

/** The value, or undefined when the engine says the object does not exist. */
export async function unlessNotFound<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function engineMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as {message?: unknown};
    if (typeof parsed?.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return text;
}
