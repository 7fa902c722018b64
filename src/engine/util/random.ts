/**
 * The engine's random IDs (containers, layers, volumes, networks, names) from the kernel, read anew each time.
 * Not node:crypto's: OpenSSL keeps its own generator state inside the process, and every lab VM resumed from one
 * saved running machine would then hand out the very same IDs; the kernel reseeds its generator at each resume
 * (the VM generation ID), so reading it keeps each VM's IDs its own.
 */
import {openSync, readSync} from 'node:fs';

let urandom: number | undefined;

export function randomBytes(size: number): Buffer {
  urandom ??= openSync('/dev/urandom', 'r');
  const bytes = Buffer.alloc(size);
  for (let filled = 0; filled < size; ) filled += readSync(urandom, bytes, filled, size - filled, null);
  return bytes;
}

/** A uniform integer in [0, max), max ≤ 2^32, without modulo bias. */
export function randomInt(max: number): number {
  const limit = Math.floor(0x100000000 / max) * max;
  for (;;) {
    const n = randomBytes(4).readUInt32BE(0);
    if (n < limit) return n % max;
  }
}

/** An RFC 4122 version 4 UUID. */
export function randomUUID(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
