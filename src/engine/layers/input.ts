import {pipeline, Readable} from 'node:stream';
import {createGunzip} from 'node:zlib';
import {ByteSource} from './byte-source.js';
import {LayerError} from './errors.js';

export type LayerInput = NodeJS.ReadableStream | Readable;

function toReadable(input: LayerInput): Readable {
  return input instanceof Readable ? input : new Readable().wrap(input);
}

/** Re-yields the chunks already read for sniffing, then the rest of the iterator. */
async function* replay(head: Buffer[], iterator: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
  try {
    yield* head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  } finally {
    // Stopping early (a refused layer) releases the caller's stream too.
    await iterator.return?.();
  }
}

/** zlib errors become LayerErrors; anything else (the caller's own stream failing) passes through. */
async function* gunzipErrors(stream: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  try {
    yield* stream;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || /unexpected end of file/i.test((error as Error).message)) {
      throw new LayerError(`invalid gzip data: ${(error as Error).message}`);
    }
    throw error;
  }
}

/**
 * Opens a layer stream for reading. Gzip input (magic 1f 8b) is decompressed on the fly, so
 * the source's digest is the DiffID: the sha256 of the uncompressed tar.
 */
export async function openLayerInput(input: LayerInput): Promise<ByteSource> {
  const readable = toReadable(input);
  const iterator = readable[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    head.push(chunk);
    headBytes += chunk.length;
  }
  const first = Buffer.concat(head, Math.min(headBytes, 2));
  if (first.length === 2 && first[0] === 0x1f && first[1] === 0x8b) {
    const gunzip = createGunzip();
    // pipeline() tears both sides down on failure, so a bad gzip surfaces while iterating.
    pipeline(Readable.from(replay(head, iterator)), gunzip, () => {});
    return new ByteSource(gunzipErrors(gunzip)[Symbol.asyncIterator]());
  }
  return new ByteSource(replay(head, iterator));
}
