import {createHash} from 'node:crypto';
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs';
import {Readable} from 'node:stream';
import {LayerError} from './errors.js';
import {absPath, displayName} from './paths.js';
import {readTarSplit} from './tar-split.js';

const READ_CHUNK = 256 * 1024;

/**
 * Streams `size` bytes of a stored file, failing if the file no longer matches the record.
 * Synchronous calls: a thread-pool round trip per open/stat/read/close cost more than the
 * work itself for the many small files of a typical layer; a read never exceeds READ_CHUNK.
 */
function* storedFile(root: Buffer, path: string, size: number, sha256: string): Generator<Buffer> {
  const changed = (why: string): LayerError => new LayerError(`layer file "${displayName(path)}" changed since the layer was stored: ${why}`);
  let fd: number;
  try {
    fd = openSync(absPath(root, path), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw changed((error as Error).message);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw changed('it is no longer a regular file');
    if (stats.size !== size) throw changed(`expected ${size} bytes, found ${stats.size}`);
    const hash = createHash('sha256');
    let left = size;
    while (left > 0) {
      // A fresh buffer each time: the consumer may still hold the previous one.
      const buffer = Buffer.allocUnsafe(Math.min(left, READ_CHUNK));
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) throw changed('it became shorter while being read');
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      left -= bytesRead;
      yield chunk;
    }
    if (hash.digest('hex') !== sha256) throw changed('content checksum mismatch');
  } finally {
    closeSync(fd);
  }
}

async function* assemble(diffDir: string, tarSplitPath: string): AsyncGenerator<Buffer> {
  const root = Buffer.from(diffDir);
  let written = 0;
  for await (const segment of readTarSplit(tarSplitPath)) {
    if (segment.type === 'raw') {
      written += segment.data.length;
      yield segment.data;
    } else if (segment.type === 'file') {
      for (const chunk of storedFile(root, segment.path, segment.size, segment.sha256)) {
        written += chunk.length;
        yield chunk;
      }
    } else if (segment.size !== written) {
      throw new LayerError(`tar-split record ${tarSplitPath} is corrupt: it describes ${segment.size} bytes but holds ${written}`);
    }
  }
}

/**
 * Rebuilds the exact tar that applyLayerTar unpacked into diffDir, from its tar-split record
 * and the stored files. Errors (as a stream error) if the stored files were changed.
 */
export function assembleLayerTar(diffDir: string, tarSplitPath: string): Readable {
  return Readable.from(assemble(diffDir, tarSplitPath), {objectMode: false});
}
