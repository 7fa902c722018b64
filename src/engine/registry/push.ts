/**
 * `docker push`: the layers, top first as dockerd lists them, `max-concurrent-uploads` at a time (push-layer.ts:
 * found, mounted or uploaded), and meanwhile the config (mounted, found or uploaded whole); then a Docker schema 2
 * manifest.
 * The digest line is the one the CLI prints.
 */
import {sha256} from '../images/digest.js';
import type {ImageRecord, ImageStore} from '../images/image-store.js';
import {formatReference, parseReference, type Reference} from '../images/reference.js';
import type {Credentials} from './auth.js';
import {uploadMonolithic} from './blob-upload.js';
import {endpointsFor, repositoryOf} from './endpoint.js';
import {limiter} from './limiter.js';
import {mediaTypes, type Descriptor} from './manifest.js';
import type {RegistryOptions} from './options.js';
import {LayerProgress, type ProgressSink} from './progress.js';
import {blobSize, mountBlob, pushLayer} from './push-layer.js';
import {RegistryError} from './registry-error.js';
import {RegistrySession} from './session.js';

export interface PushResult {
  digest: string;
  size: number;
}

/**
 * The image config: mounted from a repository of the same registry the image was pulled from or pushed to (its
 * RepoDigests name them), else found with HEAD or uploaded whole, in its turn among the uploads.
 */
async function pushConfig(session: RegistrySession, store: ImageStore, image: ImageRecord, digest: string, uploads: ReturnType<typeof limiter>): Promise<void> {
  const here = session.repo;
  const from = store.refs.refsOf(image.id)
    .filter((r) => r.includes('@'))
    .map((r) => repositoryOf(parseReference(r)))
    .find((r) => r.registry === here.registry && r.path !== here.path);
  if (from && (await mountBlob(session, digest, from.path))) return;
  // An upload counts against max-concurrent-uploads like a layer's; a mount or a HEAD does not.
  if ((await blobSize(session, digest)) === undefined) await uploads.run(() => uploadMonolithic(session, digest, image.raw));
}

export async function pushImage(store: ImageStore, opts: RegistryOptions, ref: Reference, creds: Credentials, out: ProgressSink, signal?: AbortSignal): Promise<PushResult> {
  const image = store.resolve(formatReference(ref));
  const repo = repositoryOf(ref);
  const session = await RegistrySession.open(await endpointsFor(repo, {...opts, mirrors: []}), repo, creds, ['pull', 'push']);
  out({status: `The push refers to repository [${repo.registry === 'docker.io' ? `docker.io/${repo.path}` : repo.familiar}]`});
  const count = image.config.rootfs.diff_ids.length;
  // dockerd lists the top layer first.
  const order = [...Array(count).keys()].reverse();
  const progress = new Map<number, LayerProgress>();
  const descriptors: Descriptor[] = new Array(count);
  const limit = limiter(opts.maxConcurrentUploads);
  const layers = store.layersOf(image);
  for (const i of order) {
    // The bar counts the layer's tar as it is read, against its content size, as dockerd's does.
    const p = new LayerProgress(out, image.config.rootfs.diff_ids[i], layers[i].size);
    progress.set(i, p);
    p.status('Preparing');
  }
  const failures: Error[] = [];
  const configDigest = sha256(image.raw);
  // The config needs nothing from the layers: it goes while they do.
  const config = pushConfig(session, store, image, configDigest, limit).catch((error: Error) => {
    failures.push(error);
  });
  await Promise.all(order.map((i) => {
    if (limit.busy) progress.get(i)!.status('Waiting');
    return limit.run(async () => {
      if (failures.length > 0 || signal?.aborted) return;
      try {
        descriptors[i] = await pushLayer(session, store, layers[i], repo, progress.get(i)!, signal);
      } catch (error) {
        failures.push(error as Error);
      }
    });
  }));
  await config;
  if (failures.length > 0) throw failures[0];
  if (signal?.aborted) throw new RegistryError('the push was cancelled');
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
