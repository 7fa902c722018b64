/** Telling a tar archive (plain or gzip) from other bytes by its first block: for the build context and ADD. */
import {createReadStream} from 'node:fs';
import {open} from 'node:fs/promises';
import {createGunzip} from 'node:zlib';

/** A ustar/GNU header block: its checksum field matches the sum of its bytes (the field read as spaces). */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < 512) return false;
  // All zeros is an end marker (an empty archive), or just zeros: either way nothing to extract.
  if (block.subarray(0, 512).every((b) => b === 0)) return false;
  const field = block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]+$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === parseInt(field, 8);
}

export type Compression = 'gzip' | 'bzip2' | 'xz' | 'zstd' | 'none';

export function compressionOf(head: Buffer): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
  return 'none';
}

async function gunzippedHead(path: string, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  const input = createReadStream(path);
  const gunzip = createGunzip();
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= size) break;
    }
  } catch {
    // not gzip after all, or truncated: whatever was inflated is all there is
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(chunks);
}

/** What ADD would do with a local file: extract it ('tar', 'gzip'), refuse it (other compressions), or copy it. */
export async function archiveKind(path: string): Promise<Compression | 'tar' | undefined> {
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(512);
    const {bytesRead} = await handle.read(buffer, 0, 512, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const compression = compressionOf(head);
  if (compression === 'gzip') return isTarHeader(await gunzippedHead(path, 512)) ? 'gzip' : undefined;
  if (compression !== 'none') return compression;
  return isTarHeader(head) ? 'tar' : undefined;
}
