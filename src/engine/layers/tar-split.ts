// The tar-split record: gzip-compressed JSON lines that, together with a layer's unpacked
// files, reproduce the layer's original tar byte for byte. Lines, in stream order:
//   {"lab-tar-split":1}                     format marker
//   {"r":"<base64>"}                        raw archive bytes (headers, padding, trailer, ...)
//   {"f":"<path>","n":N,"h":"<sha256>","i":K} N bytes read from <path> under the layer dir
//   {"end":{"size":N,"files":K}}            total archive size; missing means truncated record
import {once} from 'node:events';
import {createReadStream, createWriteStream, type WriteStream} from 'node:fs';
import {rm} from 'node:fs/promises';
import {createInterface} from 'node:readline';
import {createGunzip, createGzip, type Gzip} from 'node:zlib';
import {LayerError} from './errors.js';

export const TAR_SPLIT_VERSION = 1;
const RAW_FLUSH_BYTES = 64 * 1024;
const LINE_BATCH_BYTES = 256 * 1024;

export type Segment =
  | {type: 'raw'; data: Buffer}
  | {type: 'file'; path: string; size: number; sha256: string; id: number}
  | {type: 'end'; size: number; files: number};

export class TarSplitWriter {
  private readonly gzip: Gzip;
  private readonly out: WriteStream;
  private readonly closed: Promise<unknown>;
  private lines: string[] = [];
  private lineBytes = 0;
  private readonly pending = Buffer.allocUnsafe(RAW_FLUSH_BYTES);
  private pendingBytes = 0;
  private files = 0;

  constructor(readonly path: string) {
    this.gzip = createGzip();
    this.out = createWriteStream(path);
    this.gzip.pipe(this.out);
    this.closed = once(this.out, 'close');
    // Surface write failures on the next write instead of as an unhandled 'error' event.
    this.closed.catch(() => {});
    this.gzip.on('error', () => {});
    this.gzip.write(JSON.stringify({'lab-tar-split': TAR_SPLIT_VERSION}) + '\n');
  }

  /** Lines are batched: each gzip write costs a zlib round trip, and lines are small. */
  private async writeLine(value: unknown): Promise<void> {
    this.lines.push(JSON.stringify(value));
    this.lineBytes += this.lines[this.lines.length - 1]!.length;
    if (this.lineBytes >= LINE_BATCH_BYTES) await this.flushLines();
  }

  private async flushLines(): Promise<void> {
    if (this.out.errored) throw this.out.errored;
    if (this.lines.length === 0) return;
    const text = this.lines.join('\n') + '\n';
    this.lines = [];
    this.lineBytes = 0;
    if (!this.gzip.write(text)) {
      await Promise.race([once(this.gzip, 'drain'), this.closed.then(() => Promise.reject(this.out.errored ?? new Error('tar-split output closed')))]);
    }
  }

  /**
   * Copies rather than keeps the given bytes: they are usually views of large input chunks,
   * and holding a 512-byte header would otherwise pin its whole chunk in memory.
   */
  async raw(bytes: Buffer): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const copied = bytes.copy(this.pending, this.pendingBytes, offset);
      this.pendingBytes += copied;
      offset += copied;
      if (this.pendingBytes === this.pending.length) await this.flushRaw();
    }
  }

  private async flushRaw(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const encoded = this.pending.toString('base64', 0, this.pendingBytes);
    this.pendingBytes = 0;
    await this.writeLine({r: encoded});
  }

  /** Records that `size` bytes of file data were stored at `path`; returns the reference id. */
  async file(path: string, size: number, sha256: string): Promise<number> {
    await this.flushRaw();
    const id = this.files++;
    await this.writeLine({f: path, n: size, h: sha256, i: id});
    return id;
  }

  async finish(totalSize: number): Promise<void> {
    await this.flushRaw();
    await this.writeLine({end: {size: totalSize, files: this.files}});
    await this.flushLines();
    this.gzip.end();
    await this.closed;
    if (this.out.errored) throw this.out.errored;
  }

  /** Stops writing and removes the partial record. */
  async abort(): Promise<void> {
    this.gzip.destroy();
    this.out.destroy();
    await this.closed.catch(() => {});
    await rm(this.path, {force: true});
  }
}

function corrupt(path: string, why: string): LayerError {
  return new LayerError(`tar-split record ${path} is corrupt: ${why}`);
}

function parseLine(path: string, line: string): Segment {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw corrupt(path, 'a line is not JSON');
  }
  if (typeof value.r === 'string') return {type: 'raw', data: Buffer.from(value.r, 'base64')};
  if (typeof value.f === 'string' && Number.isSafeInteger(value.n) && typeof value.h === 'string' && Number.isSafeInteger(value.i)) {
    return {type: 'file', path: value.f, size: value.n as number, sha256: value.h, id: value.i as number};
  }
  const end = value.end as Record<string, unknown> | undefined;
  if (end && Number.isSafeInteger(end.size) && Number.isSafeInteger(end.files)) {
    return {type: 'end', size: end.size as number, files: end.files as number};
  }
  throw corrupt(path, 'unknown line');
}

/** Segments of a tar-split record; throws unless the record is complete. */
export async function* readTarSplit(path: string): AsyncGenerator<Segment> {
  const file = createReadStream(path);
  const input = createGunzip();
  const lines = createInterface({input, crlfDelay: Infinity});
  // readline does not forward stream errors; remember them and stop the line loop.
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    lines.close();
  };
  file.on('error', fail);
  input.on('error', fail);
  file.pipe(input);
  let first = true;
  let ended = false;
  try {
    for await (const line of lines) {
      if (failure) break;
      if (first) {
        first = false;
        const marker = (() => {
          try {
            return (JSON.parse(line) as Record<string, unknown>)['lab-tar-split'];
          } catch {
            return undefined;
          }
        })();
        if (marker !== TAR_SPLIT_VERSION) throw corrupt(path, 'not a lab tar-split record (or unsupported version)');
        continue;
      }
      if (ended) throw corrupt(path, 'data after the end line');
      const segment = parseLine(path, line);
      if (segment.type === 'end') ended = true;
      yield segment;
    }
  } catch (error) {
    if (error instanceof LayerError) throw error;
    throw corrupt(path, (error as Error).message);
  } finally {
    lines.close();
    file.destroy();
    input.destroy();
  }
  if (failure) throw corrupt(path, failure.message);
  if (!ended) throw corrupt(path, 'it is truncated');
}

/** Size in bytes of the tar a record rebuilds (what a saved blob's descriptor states). */
export async function layerTarSize(tarSplitPath: string): Promise<number> {
  let size = -1;
  for await (const segment of readTarSplit(tarSplitPath)) if (segment.type === 'end') size = segment.size;
  return size;
}
