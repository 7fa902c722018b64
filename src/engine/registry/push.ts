/**
 * `docker push`: each layer exported byte for byte from the store, gzipped to a temp file (so its digest is known
 * before the upload, and the same layer always gives the same blob), checked with HEAD (a blob the repository has
 * is "Layer already exists"), mounted from another repository of the registry the image is known in, uploaded
 * monolithically otherwise, `max-concurrent-uploads` at a time; then the config and a Docker schema 2 manifest.
 * The digest line is the one the CLI prints.
 */
import {createHash, randomBytes} from 'node:crypto';
import {createReadStream, createWriteStream, rmSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {pipeline} from 'node:stream/promises';
import {Transform} from 'node:stream';
import {createGzip} from 'node:zlib';
import {sha256} from '../images/digest.js';
import type {ImageRecord, ImageStore} from '../images/image-store.js';
import {formatReference, parseReference, type Reference} from '../images/reference.js';
import {BlobSources} from './blob-sources.js';
import type {Credentials} from './auth.js';
import {endpointsFor, repositoryOf} from './endpoint.js';
import {limiter} from './limiter.js';
import {mediaTypes, type Descriptor} from './manifest.js';
import type {RegistryOptions} from './options.js';
import {LayerProgress, type ProgressSink} from './progress.js';
import {RegistryError} from './registry-error.js';
import {RegistrySession} from './session.js';
import type {Readable} from 'node:stream';

export interface PushResult {
  digest: string;
  size: number;
}

/** The size of the blob when the repository holds it. */
async function blobSize(session: RegistrySession, digest: string): Promise<number | undefined> {
  const res = await session.request('HEAD', `blobs/${digest}`);
  res.body.resume();
  if (res.status === 200) return Number(res.headers['content-length'] ?? NaN);
  if (res.status === 404) return undefined;
  throw await session.failure(res, 'HEAD');
}

const blobExists = async (session: RegistrySession, digest: string) => (await blobSize(session, digest)) !== undefined;

/** A cross-repository mount: the registry links a blob another of its repositories has; true when it did. */
async function mountBlob(session: RegistrySession, digest: string, from: string): Promise<boolean> {
  const query = `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
  const res = await session.request('POST', `blobs/uploads/${query}`, {headers: {'Content-Length': 0}});
  res.body.resume();
  return res.status === 201;
}

/** POST for an upload URL, then one PUT with the whole blob and its digest. */
async function uploadBlob(session: RegistrySession, digest: string, size: number, body: () => Buffer | Readable): Promise<void> {
  const start = await session.request('POST', 'blobs/uploads/', {headers: {'Content-Length': 0}});
  start.body.resume();
  if (start.status !== 202) throw await session.failure(start, 'POST');
  const location = start.headers.location;
  if (!location) throw new RegistryError(`the registry gave no upload location for ${digest}`);
  const url = new URL(location, start.url);
  url.searchParams.set('digest', digest);
  const put = await session.request('PUT', '', {absolute: url, headers: {'Content-Type': 'application/octet-stream', 'Content-Length': size}, body: body()});
  put.body.resume();
  if (put.status !== 201) throw await session.failure(put, 'PUT');
}

/** The layer as a gzip blob in a temp file: its digest and size, counted as it is written. */
async function compressLayer(store: ImageStore, image: ImageRecord, index: number, tmpDir: string): Promise<{path: string; digest: string; size: number}> {
  const layer = store.layersOf(image)[index];
  const path = join(tmpDir, `push-${randomBytes(8).toString('hex')}.gz`);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(store.layers.export(layer), createGzip(), tap, createWriteStream(path));
  } catch (error) {
    rmSync(path, {force: true});
    throw error;
  }
  return {path, digest: `sha256:${hash.digest('hex')}`, size: statSync(path).size};
}

export async function pushImage(store: ImageStore, opts: RegistryOptions, ref: Reference, creds: Credentials, out: ProgressSink, signal?: AbortSignal): Promise<PushResult> {
  const image = store.resolve(formatReference(ref));
  const repo = repositoryOf(ref);
  const session = await RegistrySession.open(await endpointsFor(repo, {...opts, mirrors: []}), repo, creds, ['pull', 'push']);
  out({status: `The push refers to repository [${repo.registry === 'docker.io' ? `docker.io/${repo.path}` : repo.familiar}]`});
  const count = image.config.rootfs.diff_ids.length;
  const tmpDir = join(store.dataRoot, 'tmp');
  // dockerd lists the top layer first.
  const order = [...Array(count).keys()].reverse();
  const progress = new Map<number, LayerProgress>();
  const descriptors: Descriptor[] = new Array(count);
  const limit = limiter(opts.maxConcurrentUploads);
  for (const i of order) {
    const p = new LayerProgress(out, image.config.rootfs.diff_ids[i], 0);
    progress.set(i, p);
    p.status('Preparing');
  }
  const sources = new BlobSources(store.root);
  const target = `${repo.registry}/${repo.path}`;
  const failures: Error[] = [];
  await Promise.all(order.map((i) => {
    if (limit.busy) progress.get(i)!.status('Waiting');
    return limit.run(async () => {
      if (failures.length > 0 || signal?.aborted) return;
      const p = progress.get(i)!;
      const diffId = image.config.rootfs.diff_ids[i];
      let blob;
      try {
        // A blob this layer was pulled or pushed as: found in this repository, or mounted from another of the registry.
        for (const known of sources.get(diffId)) {
          const from = repositoryOf(parseReference(known.SourceRepository));
          if (from.registry !== repo.registry) continue;
          const size = await blobSize(session, known.Digest);
          if (size !== undefined) {
            descriptors[i] = {mediaType: mediaTypes.dockerLayer, digest: known.Digest, size};
            p.status('Layer already exists');
            return;
          }
          if (from.path !== repo.path && (await mountBlob(session, known.Digest, from.path))) {
            const mounted = await blobSize(session, known.Digest);
            if (mounted === undefined) continue;
            descriptors[i] = {mediaType: mediaTypes.dockerLayer, digest: known.Digest, size: mounted};
            sources.add(diffId, {Digest: known.Digest, SourceRepository: target});
            p.status(`Mounted from ${from.path}`);
            return;
          }
        }
        blob = await compressLayer(store, image, i, tmpDir);
        descriptors[i] = {mediaType: mediaTypes.dockerLayer, digest: blob.digest, size: blob.size};
        if (await blobExists(session, blob.digest)) {
          p.status('Layer already exists');
          sources.add(diffId, {Digest: blob.digest, SourceRepository: target});
          return;
        }
        const tracked = new LayerProgress(out, image.config.rootfs.diff_ids[i], blob.size);
        let sent = 0;
        const path = blob.path;
        await uploadBlob(session, blob.digest, blob.size, () => {
          const stream = createReadStream(path);
          stream.on('data', (c) => tracked.bytes('Pushing', (sent += c.length)));
          return stream;
        });
        sources.add(diffId, {Digest: blob.digest, SourceRepository: target});
        p.status('Pushed');
      } catch (error) {
        failures.push(error as Error);
      } finally {
        if (blob) rmSync(blob.path, {force: true});
      }
    });
  }));
  if (failures.length > 0) throw failures[0];
  if (signal?.aborted) throw new RegistryError('the push was cancelled');
  const configDigest = sha256(image.raw);
  if (!(await blobExists(session, configDigest))) await uploadBlob(session, configDigest, image.raw.length, () => image.raw);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: mediaTypes.dockerManifest,
    config: {mediaType: mediaTypes.dockerConfig, size: image.raw.length, digest: configDigest},
    layers: descriptors,
  }, null, 3));
  const tag = ref.tag ?? 'latest';
  const put = await session.request('PUT', `manifests/${tag}`, {headers: {'Content-Type': mediaTypes.dockerManifest, 'Content-Length': manifest.length}, body: manifest});
  put.body.resume();
  if (put.status !== 201) throw await session.failure(put, 'PUT');
  const digest = sha256(manifest);
  store.tag(image.id, {repo: ref.repo, digest});
  out({status: `${tag}: digest: ${digest} size: ${manifest.length}`});
  return {digest, size: manifest.length};
}
