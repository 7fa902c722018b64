/**
 * One layer of a push. A blob the layer was pulled or pushed as (blob-sources.ts) is found in the target
 * repository with one HEAD, or mounted from another repository of the same registry with one POST; only a layer
 * the registry has nowhere is read from the store, gzipped and hashed as it is sent (compression runs on libuv's
 * thread pool, so layers pushed at once compress on several cores). The layer is read once and compressed once;
 * its blob's digest and size are kept for the next push.
 */
import {createHash} from 'node:crypto';
import {pipeline} from 'node:stream/promises';
import {Transform} from 'node:stream';
import {constants, createGzip} from 'node:zlib';
import type {Layer} from '../images/layer-store.js';
import type {ImageStore} from '../images/image-store.js';
import {parseReference} from '../images/reference.js';
import {BlobSources, type BlobSource} from './blob-sources.js';
import {cancelUpload, chunkSizeFor, openUpload, uploadStream} from './blob-upload.js';
import {repositoryOf, type Repository} from './endpoint.js';
import {mediaTypes, type Descriptor} from './manifest.js';
import type {LayerProgress} from './progress.js';
import type {RegistrySession} from './session.js';

/** Layers larger than this (content bytes) are sent in chunks. */
export const largeLayerBytes = 512 << 20;

/** The size of the blob when the repository holds it. */
export async function blobSize(session: RegistrySession, digest: string): Promise<number | undefined> {
  const res = await session.request('HEAD', `blobs/${digest}`);
  res.body.resume();
  if (res.status === 200) return Number(res.headers['content-length'] ?? NaN);
  if (res.status === 404) return undefined;
  throw await session.failure(res, 'HEAD');
}

/**
 * A cross-repository mount: the registry links a blob another of its repositories has; true when it did. A
 * registry that cannot mount opens an upload instead (202), which is cancelled.
 */
export async function mountBlob(session: RegistrySession, digest: string, from: string): Promise<boolean> {
  const query = `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
  const res = await session.request('POST', `blobs/uploads/${query}`, {headers: {'Content-Length': 0}});
  res.body.resume();
  if (res.status === 201) return true;
  if (res.status === 202 && res.headers.location) {
    await cancelUpload(session, {location: new URL(res.headers.location, res.url), minChunk: undefined});
  }
  return false;
}

type Found = {descriptor: Descriptor; status: string};

/** The layer's blob already in the registry: in this repository, or mounted here from another. */
async function findKnown(session: RegistrySession, target: string, known: BlobSource[]): Promise<Found | undefined> {
  const registry = session.repo.registry;
  const candidates = known
    .map((source) => ({source, from: repositoryOf(parseReference(source.SourceRepository))}))
    .filter((c) => c.from.registry === registry);
  // The target repository first: a HEAD is all it takes.
  candidates.sort((a, b) => Number(b.source.SourceRepository === target) - Number(a.source.SourceRepository === target));
  for (const {source, from} of candidates) {
    const layer = (size: number, status: string): Found => ({descriptor: {mediaType: mediaTypes.dockerLayer, digest: source.Digest, size}, status});
    if (from.path === session.repo.path) {
      const size = await blobSize(session, source.Digest);
      if (size !== undefined) return layer(size, 'Layer already exists');
      continue;
    }
    if (await mountBlob(session, source.Digest, from.path)) {
      const size = source.Size ?? (await blobSize(session, source.Digest));
      if (size !== undefined) return layer(size, `Mounted from ${from.path}`);
    }
  }
  return undefined;
}

/** Reads, gzips and uploads the layer, hashing the compressed bytes on their way out. */
async function uploadLayer(session: RegistrySession, store: ImageStore, layer: Layer, progress: LayerProgress, signal?: AbortSignal): Promise<Descriptor> {
  const upload = await openUpload(session);
  const hash = createHash('sha256');
  let size = 0;
  let read = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      read += chunk.length;
      progress.bytes('Pushing', read);
      cb(null, chunk);
    },
  });
  const hashed = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  // Deterministic (gzip header with no time or name): the same layer always gives the same blob and digest. The
  // fastest level: pushes mostly go to a registry nearby (the course's), where compressing costs more time than
  // the bytes it saves; it is about twice as fast as dockerd's default level for a blob a few percent larger.
  const gzip = createGzip({level: constants.Z_BEST_SPEED, chunkSize: 128 << 10});
  let digest: string | undefined;
  const digestOf = () => (digest ??= `sha256:${hash.digest('hex')}`);
  const producing = pipeline(store.layers.export(layer), counted, gzip, hashed, signal ? {signal} : {});
  try {
    await Promise.all([producing, uploadStream(session, upload, hashed, digestOf, chunkSizeFor(upload, layer.size > largeLayerBytes))]);
  } catch (error) {
    hashed.destroy();
    await cancelUpload(session, upload);
    throw error;
  }
  progress.bytes('Pushing', read, true);
  return {mediaType: mediaTypes.dockerLayer, digest: digestOf(), size};
}

export async function pushLayer(session: RegistrySession, store: ImageStore, layer: Layer, repo: Repository, progress: LayerProgress, signal?: AbortSignal): Promise<Descriptor> {
  const sources = new BlobSources(store.root);
  const target = `${repo.registry}/${repo.path}`;
  const found = await findKnown(session, target, sources.get(layer.diffId));
  if (found) {
    if (found.status.startsWith('Mounted')) sources.add(layer.diffId, {Digest: found.descriptor.digest, SourceRepository: target, Size: found.descriptor.size});
    progress.status(found.status);
    return found.descriptor;
  }
  const descriptor = await uploadLayer(session, store, layer, progress, signal);
  sources.add(layer.diffId, {Digest: descriptor.digest, SourceRepository: target, Size: descriptor.size});
  progress.status('Pushed');
  return descriptor;
}
