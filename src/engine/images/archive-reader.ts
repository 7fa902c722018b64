/**
 * Reads an image archive (`docker save` output, either format) in one pass. Small entries (JSON) are kept in
 * memory; large ones are taken to be layers and unpacked straight into staging as they stream past, so a
 * 100 MB image is neither buffered nor written twice. Nothing here touches the store's visible state.
 */
import {posix} from 'node:path';
import {PassThrough, Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import tar from 'tar-stream';
import type {LayerStore, StagedLayer} from './layer-store.js';

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

const smallEntryLimit = 1024 * 1024;

export interface ArchiveContents {
  small: Map<string, Buffer>;
  staged: Map<string, StagedLayer>;
  /** Entries that point at other entries (the legacy format links duplicate layers). */
  links: Map<string, string>;
  /** A large entry that failed to unpack as a layer: only an error if the manifest names it as one. */
  failed: Map<string, Error>;
}

/** Normalizes an entry path inside the archive; refuses names that climb out of it. */
export function archivePath(name: string, base = '.'): string {
  if (name.startsWith('/')) throw new ArchiveError(`archive entry "${name}" has an absolute path`);
  const joined = posix.normalize(posix.join(base, name));
  if (joined === '..' || joined.startsWith('../')) throw new ArchiveError(`archive entry "${name}" points outside the archive`);
  return joined.replace(/^\.\//, '').replace(/\/$/, '');
}

/** Bytes of one large entry (a layer) read so far, of its size in the tar header. */
export type EntryProgress = (name: string, current: number, total: number) => void;

export async function readArchive(input: Readable, layers: LayerStore, onEntryBytes?: EntryProgress): Promise<ArchiveContents> {
  const contents: ArchiveContents = {small: new Map(), staged: new Map(), links: new Map(), failed: new Map()};
  const extract = tar.extract();
  let sawEntry = false;
  // Layers being unpacked: an archive that breaks off must end them too, or their staging dirs stay in tmp.
  const unpacking = new Map<PassThrough, Promise<unknown>>();
  extract.on('entry', (header, stream, next) => {
    sawEntry = true;
    // An aborted archive destroys the entry stream; its error is reported once, through the pipeline.
    stream.on('error', () => {});
    const done = (error?: unknown) => {
      stream.resume();
      if (error) next(error as Error);
      else next();
    };
    let name: string;
    try {
      name = archivePath(header.name);
    } catch (error) {
      done(error);
      return;
    }
    if (header.type === 'directory') return done();
    if (header.type === 'symlink' || header.type === 'link') {
      const linkname = header.linkname ?? '';
      try {
        if (linkname.startsWith('/')) throw new Error('absolute');
        const target = header.type === 'symlink' ? archivePath(linkname, posix.dirname(name)) : archivePath(linkname);
        contents.links.set(name, target);
        done();
      } catch {
        done(new ArchiveError(`archive entry "${header.name}" links to "${linkname}", outside the archive`));
      }
      return;
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') return done(new ArchiveError(`archive entry "${header.name}" has unsupported type ${header.type}`));
    if ((header.size ?? 0) <= smallEntryLimit) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        contents.small.set(name, Buffer.concat(chunks));
        next();
      });
      stream.on('error', (e) => next(e));
      return;
    }
    // Forwarded by hand rather than piped: when the layer is refused, the rest of the entry must still be
    // drained so the archive reads on and the real reason is reported, not an aborted stream.
    const pass = new PassThrough({highWaterMark: 1024 * 1024});
    let refused = false;
    let ended = false;
    let read = 0;
    const total = header.size ?? 0;
    stream.on('data', (chunk: unknown) => {
      read += (chunk as Buffer).length;
      onEntryBytes?.(name, read, total);
      if (refused) return;
      if (!pass.write(chunk)) stream.pause();
    });
    pass.on('drain', () => stream.resume());
    stream.on('end', () => {
      ended = true;
      if (refused) next();
      else pass.end();
    });
    const unpacked = layers.stage(pass).then(
      (staged) => {
        contents.staged.set(name, staged);
        next();
      },
      (error: Error) => {
        contents.failed.set(name, error);
        refused = true;
        pass.resume();
        stream.resume();
        if (ended) next();
      },
    );
    unpacking.set(pass, unpacked.finally(() => unpacking.delete(pass)));
  });
  try {
    await pipeline(input, extract);
  } catch (error) {
    for (const pass of unpacking.keys()) pass.destroy(error as Error);
    await Promise.allSettled(unpacking.values());
    discardAll(contents, layers);
    const message = (error as Error).message;
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError(`the archive is not a valid tar file (${message})`);
  }
  if (!sawEntry) throw new ArchiveError('the archive is empty or not a tar file');
  return contents;
}

export function discardAll(contents: ArchiveContents, layers: LayerStore): void {
  for (const staged of contents.staged.values()) layers.discard(staged);
  contents.staged.clear();
}

/** Follows archive-internal links (at most a few hops) to the entry that holds the bytes. */
export function resolveEntry(contents: ArchiveContents, path: string): string {
  let current = archivePath(path);
  for (let hops = 0; hops < 8 && contents.links.has(current); hops++) current = contents.links.get(current)!;
  return current;
}

export function readSmall(contents: ArchiveContents, path: string, what: string): Buffer {
  const resolved = resolveEntry(contents, path);
  const data = contents.small.get(resolved);
  if (!data) throw new ArchiveError(`${what} "${path}" is not in the archive`);
  return data;
}

export function streamOf(buffer: Buffer): Readable {
  return Readable.from([buffer]);
}
