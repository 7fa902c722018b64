import {createHash} from 'node:crypto';
import {createReadStream, createWriteStream} from 'node:fs';
import {once} from 'node:events';
import {pack as tarPack, type Pack} from 'tar-stream';
import {BuildError} from '../support/errors.js';

export type TarEntry =
  | {name: string; type: 'directory'; mode: number}
  | {name: string; type: 'file'; mode: number; data: Buffer}
  | {name: string; type: 'file'; mode: number; file: string; size: number}
  | {name: string; type: 'symlink'; linkname: string}
  | {name: string; type: 'link'; linkname: string};

export interface TarDigest {
  /** Hex sha256 of the whole tar stream. */
  sha256: string;
  size: number;
}

/** Byte order, so the result does not depend on the locale. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Writes a tar whose bytes depend only on the entries: sorted by name, owner root (0:0)
 * without user or group names, one fixed mtime, plain ustar headers. Names longer than
 * ustar allows would get a pax header carrying only the path, never timestamps.
 */
export async function writeDeterministicTar(dest: string, entries: TarEntry[], mtimeSeconds: number): Promise<TarDigest> {
  const sorted = [...entries].sort((a, b) => compareNames(a.name, b.name));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.name === sorted[i - 1]!.name) throw new BuildError(`tar entry ${sorted[i]!.name} appears twice`);
  }

  const pack = tarPack();
  const out = createWriteStream(dest);
  const hash = createHash('sha256');
  let size = 0;

  const consume = (async () => {
    for await (const data of pack) {
      const chunk = data as Buffer;
      hash.update(chunk);
      size += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  })();
  // If the file cannot be written, stop the producer instead of leaving it waiting.
  consume.catch((error: Error) => pack.destroy(error));

  const mtime = new Date(mtimeSeconds * 1000);
  try {
    for (const entry of sorted) await addEntry(pack, entry, mtime);
    pack.finalize();
    await consume;
  } catch (error) {
    pack.destroy(error as Error);
    out.destroy();
    throw error;
  }
  return {sha256: hash.digest('hex'), size};
}

function addEntry(pack: Pack, entry: TarEntry, mtime: Date): Promise<void> {
  const base = {uid: 0, gid: 0, mtime};
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    switch (entry.type) {
      case 'directory':
        pack.entry({...base, name: entry.name.endsWith('/') ? entry.name : `${entry.name}/`, type: 'directory', mode: entry.mode}, done);
        return;
      case 'symlink':
      case 'link':
        pack.entry({...base, name: entry.name, type: entry.type, mode: entry.type === 'symlink' ? 0o777 : 0o644, linkname: entry.linkname}, done);
        return;
      case 'file':
        if ('data' in entry) {
          pack.entry({...base, name: entry.name, type: 'file', mode: entry.mode}, entry.data, done);
          return;
        }
        streamFile(pack.entry({...base, name: entry.name, type: 'file', mode: entry.mode, size: entry.size}, done), entry.file).catch(reject);
    }
  });
}

type Sink = ReturnType<Pack['entry']>;

async function streamFile(sink: Sink, file: string): Promise<void> {
  for await (const chunk of createReadStream(file)) {
    if (!sink.write(chunk as Buffer)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
  }
  sink.end(null);
}
