/**
 * Blob uploads of the distribution API: an upload is opened with POST, its bytes sent with PATCH and closed with a
 * PUT naming the digest. A blob whose bytes are at hand (the config) goes in the PUT itself (monolithic). A layer
 * is compressed while it is sent, so its digest is known only at the end: as dockerd does, it is streamed in one
 * PATCH; when the registry asks for chunks (`OCI-Chunk-Min-Length`) or the layer is large, it goes in PATCHes of
 * a bounded size with `Content-Range`, each to the location the previous answer gave, so no request carries more
 * than a chunk (proxies in front of registries often cap request bodies).
 */
import type {Readable} from 'node:stream';
import {RegistryError} from './registry-error.js';
import type {RegistrySession} from './session.js';

/** Chunks of at least this size when a layer is sent in chunks because it is large. */
export const defaultChunkBytes = 16 << 20;
/** A larger minimum than this is not buffered: the blob goes in one streamed PATCH, which any minimum allows. */
const maxChunkBytes = 64 << 20;

/** An open upload: where its next request goes and the minimum chunk the registry asked for, if any. */
export interface Upload {
  location: URL;
  minChunk: number | undefined;
}

export async function openUpload(session: RegistrySession, digest?: string): Promise<Upload> {
  const start = await session.request('POST', 'blobs/uploads/', {headers: {'Content-Length': 0}});
  start.body.resume();
  if (start.status !== 202) throw await session.failure(start, 'POST');
  const location = nextLocation(start.headers.location, start.url, digest);
  const asked = Number(start.headers['oci-chunk-min-length']);
  return {location, minChunk: Number.isSafeInteger(asked) && asked > 0 ? asked : undefined};
}

function nextLocation(header: string | undefined, base: URL, digest?: string): URL {
  if (!header) throw new RegistryError(`the registry gave no upload location${digest ? ` for ${digest}` : ''} (${base.href})`);
  try {
    return new URL(header, base);
  } catch {
    throw new RegistryError(`the registry gave an invalid upload location "${header}" (${base.href})`);
  }
}

/** PUT ?digest=… with the last bytes (or none): the registry checks the digest and links the blob. */
async function commit(session: RegistrySession, upload: Upload, digest: string, body?: Buffer): Promise<void> {
  const url = new URL(upload.location);
  url.searchParams.set('digest', digest);
  const put = await session.request('PUT', '', {absolute: url, headers: {'Content-Type': 'application/octet-stream', 'Content-Length': body?.length ?? 0}, body: body ?? Buffer.alloc(0)});
  put.body.resume();
  if (put.status !== 201) throw await session.failure(put, 'PUT');
}

/** An upload given up on: the registry may drop its partial data (best effort; a registry without DELETE forgets it in time). */
export async function cancelUpload(session: RegistrySession, upload: Upload): Promise<void> {
  try {
    const res = await session.request('DELETE', '', {absolute: upload.location, headers: {'Content-Length': 0}});
    res.body.resume();
  } catch {
    // The upload expires on the registry's side.
  }
}

/** A blob whose bytes are in memory: POST, then one PUT carrying them. */
export async function uploadMonolithic(session: RegistrySession, digest: string, bytes: Buffer): Promise<void> {
  const upload = await openUpload(session, digest);
  await commit(session, upload, digest, bytes);
}

/** The size of each chunk for this upload, or undefined to stream the whole blob in one PATCH. */
export function chunkSizeFor(upload: Upload, large: boolean): number | undefined {
  if (upload.minChunk !== undefined) return upload.minChunk <= maxChunkBytes ? upload.minChunk : undefined;
  return large ? defaultChunkBytes : undefined;
}

async function patch(session: RegistrySession, upload: Upload, body: Buffer | Readable, range?: [number, number]): Promise<void> {
  const headers = {
    'Content-Type': 'application/octet-stream',
    ...(range ? {'Content-Range': `${range[0]}-${range[1]}`, 'Content-Length': range[1] - range[0] + 1} : {}),
  };
  const res = await session.request('PATCH', '', {absolute: upload.location, headers, body});
  res.body.resume();
  if (res.status !== 202) throw await session.failure(res, 'PATCH');
  upload.location = nextLocation(res.headers.location, res.url);
}

/**
 * Sends a stream as the blob of an open upload and closes it with the digest `digestOf()` gives once the stream
 * has ended (the caller hashes what it sends). Chunks are gathered in memory up to `chunkBytes` each.
 */
export async function uploadStream(session: RegistrySession, upload: Upload, data: Readable, digestOf: () => string, chunkBytes: number | undefined): Promise<void> {
  if (chunkBytes === undefined) {
    await patch(session, upload, data);
    await commit(session, upload, digestOf());
    return;
  }
  let offset = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    const body = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await patch(session, upload, body, [offset, offset + body.length - 1]);
    offset += body.length;
  };
  for await (const chunk of data as AsyncIterable<Buffer>) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= chunkBytes) await flush();
  }
  // The last chunk may be shorter than the minimum, as the specification allows.
  if (pendingBytes > 0) await flush();
  await commit(session, upload, digestOf());
}
