/**
 * A blob read from a registry: its bytes are hashed and counted as they stream, so a blob whose digest is not
 * the one asked for, or that runs longer or shorter than its descriptor says, fails before anything of it is
 * kept.
 */
import {createHash} from 'node:crypto';
import {Transform, type TransformCallback} from 'node:stream';
import type {Descriptor} from './manifest.js';
import {RegistryError} from './registry-error.js';

export class VerifiedBlob extends Transform {
  private readonly hash = createHash('sha256');
  private count = 0;
  private failure: Error | undefined;
  private finished = false;
  private readonly waiters: Array<(error?: Error) => void> = [];

  constructor(
    private readonly descriptor: Descriptor,
    private readonly onBytes: (count: number) => void,
  ) {
    super();
    this.on('error', (error) => this.settle(error));
  }

  get bytes(): number {
    return this.count;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.descriptor.size) {
      callback(new RegistryError(`blob ${this.descriptor.digest} is longer than the ${this.descriptor.size} bytes its manifest declares`));
      return;
    }
    this.hash.update(chunk);
    this.onBytes(this.count);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.count !== this.descriptor.size) {
      callback(new RegistryError(`blob ${this.descriptor.digest} ended after ${this.count} of the ${this.descriptor.size} bytes its manifest declares`));
      return;
    }
    const digest = `sha256:${this.hash.digest('hex')}`;
    if (digest !== this.descriptor.digest) {
      callback(new RegistryError(`filesystem layer verification failed for digest ${this.descriptor.digest}: the registry sent content whose digest is ${digest}`));
      return;
    }
    this.finished = true;
    callback();
    this.settle();
  }

  private settle(error?: Error): void {
    if (error) this.failure ??= error;
    for (const w of this.waiters.splice(0)) w(this.failure);
  }

  /** The error the stream ended with, if any (preferred over what a consumer made of the broken stream). */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Reads whatever the consumer left unread and resolves once every byte is checked. */
  verified(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.finished) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push((e) => (e ? reject(e) : resolve())));
    this.resume();
    return done;
  }
}
