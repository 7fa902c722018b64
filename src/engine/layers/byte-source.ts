import {createHash, type Hash} from 'node:crypto';

const EMPTY = Buffer.alloc(0);

/**
 * Pull-based reader over a chunked byte stream. Every byte pulled from the underlying
 * iterator is hashed exactly once, so the digest covers the whole stream as long as the
 * caller drains it.
 */
export class ByteSource {
  private cur: Buffer = EMPTY;
  private pos = 0;
  private ended = false;
  private readonly hash: Hash = createHash('sha256');
  /** Bytes handed out to the caller so far. */
  offset = 0;

  constructor(private readonly iterator: AsyncIterator<unknown>) {}

  private async fill(): Promise<boolean> {
    while (this.pos >= this.cur.length) {
      if (this.ended) return false;
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      const chunk = next.value;
      this.cur = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      this.pos = 0;
      this.hash.update(this.cur);
    }
    return true;
  }

  /**
   * Exactly `n` bytes, fewer only at end of stream (an empty buffer when nothing was left).
   * Returns a view when the bytes sit in one chunk, which is the common case.
   */
  async read(n: number): Promise<Buffer> {
    if (!(await this.fill())) return EMPTY;
    if (this.cur.length - this.pos >= n) {
      const view = this.cur.subarray(this.pos, this.pos + n);
      this.pos += n;
      this.offset += n;
      return view;
    }
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n && (await this.fill())) {
      const take = Math.min(n - got, this.cur.length - this.pos);
      parts.push(this.cur.subarray(this.pos, this.pos + take));
      this.pos += take;
      got += take;
    }
    this.offset += got;
    return Buffer.concat(parts, got);
  }

  /** Streams up to `n` bytes as views; stops early only at end of stream. */
  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0 && (await this.fill())) {
      const size = Math.min(left, this.cur.length - this.pos);
      const view = this.cur.subarray(this.pos, this.pos + size);
      this.pos += size;
      this.offset += size;
      left -= size;
      yield view;
    }
  }

  /** Everything that is left. */
  async *rest(): AsyncGenerator<Buffer> {
    while (await this.fill()) {
      const view = this.cur.subarray(this.pos);
      this.pos = this.cur.length;
      this.offset += view.length;
      yield view;
    }
  }

  /** Hex sha256 of all bytes pulled so far; only meaningful once the stream is drained. */
  digest(): string {
    return this.hash.digest('hex');
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}
