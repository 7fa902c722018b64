import {createHash} from 'node:crypto';
import {closeSync, copyFileSync, mkdtempSync, openSync, readSync, renameSync, unlinkSync} from 'node:fs';
import {rename, rm} from 'node:fs/promises';
import {join} from 'node:path';
import {LayerError} from './errors.js';
import {readTarSplit, TarSplitWriter} from './tar-split.js';

/**
 * Keeps the content of files that the tar-split record points to. When a later entry of the
 * same archive replaces such a file, its content is moved here instead of deleted, and is
 * inlined into the record once the archive is done. Archives rarely do this, so the record
 * is only rewritten when it happened.
 */
export class RefStash {
  private readonly live = new Map<string, number>();
  /** Reference id → stashed copy. */
  private readonly moved = new Map<number, string>();
  private dir: string | undefined;

  constructor(private readonly besidePath: string) {}

  track(rel: string, id: number): void {
    this.live.set(rel, id);
  }

  /** Moves the file at `rel` away if the record still needs it; true when it did. */
  take(rel: string, abs: Buffer): boolean {
    const id = this.live.get(rel);
    if (id === undefined) return false;
    this.live.delete(rel);
    this.dir ??= mkdtempSync(`${this.besidePath}.stash-`);
    const dest = join(this.dir, String(id));
    try {
      renameSync(abs, dest);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      copyFileSync(abs, dest);
      unlinkSync(abs);
    }
    this.moved.set(id, dest);
    return true;
  }

  /** Rewrites the record at `path` so references to stashed files carry their data inline. */
  async inlineInto(path: string): Promise<void> {
    if (this.moved.size === 0) return;
    const tmp = `${path}.rewrite`;
    const writer = new TarSplitWriter(tmp);
    try {
      for await (const segment of readTarSplit(path)) {
        const stashed = segment.type === 'file' ? this.moved.get(segment.id) : undefined;
        if (segment.type === 'raw') await writer.raw(segment.data);
        else if (segment.type === 'end') await writer.finish(segment.size);
        else if (stashed === undefined) await writer.file(segment.path, segment.size, segment.sha256);
        else for (const chunk of readStashed(stashed, segment.size, segment.sha256)) await writer.raw(chunk);
      }
      await rename(tmp, path);
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  async cleanup(): Promise<void> {
    if (this.dir !== undefined) await rm(this.dir, {recursive: true, force: true});
  }
}

/** A stashed file's content in chunks, checked against the record once read. */
function* readStashed(path: string, size: number, sha256: string): Generator<Buffer> {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    let left = size;
    while (left > 0) {
      const chunk = Buffer.allocUnsafe(Math.min(left, 256 * 1024));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) throw new LayerError(`stashed copy ${path} is shorter than recorded`);
      hash.update(chunk.subarray(0, read));
      left -= read;
      yield chunk.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
  if (hash.digest('hex') !== sha256) throw new LayerError(`stashed copy ${path} does not match its checksum`);
}
