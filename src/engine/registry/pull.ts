/**
 * `docker pull`: the manifest resolved (mirrors first for Docker Hub), the config fetched and checked, layers
 * not already in the store streamed concurrently through digest verification into the same hostile-safe
 * unpacking `docker load` uses, each checked against the config's diff_ids. Nothing becomes visible until every
 * layer is staged; a failure or an abandoned pull discards what was staged.
 */
import {pipeline} from 'node:stream';
import {chainIds, sha256} from '../images/digest.js';
import {parseImageConfig} from '../images/image-config.js';
import type {ImageStore} from '../images/image-store.js';
import type {StagedLayer} from '../images/layer-store.js';
import {formatReference, withDefaultTag, type Reference} from '../images/reference.js';
import type {Credentials} from './auth.js';
import {VerifiedBlob} from './blob.js';
import {endpointsFor, repositoryOf} from './endpoint.js';
import {resolveManifest, type Descriptor, type ImageManifest, type Platform} from './manifest.js';
import type {RegistryOptions} from './options.js';
import {LayerProgress, type ProgressSink} from './progress.js';
import {RegistryError} from './registry-error.js';
import {RegistrySession} from './session.js';
import {readBody} from './transport.js';
import {limiter} from './limiter.js';
import {BlobSources} from './blob-sources.js';

export interface PullRequest {
  ref: Reference;
  creds: Credentials;
  platform: Platform;
  signal?: AbortSignal;
}

export interface PullResult {
  id: string;
  digest: string;
  /** The reference as dockerd words it in "Status: ... for <name>". */
  name: string;
}

const maxConfig = 8 << 20;

/** The first endpoint (a mirror, then the registry) that has the manifest; the last failure otherwise. */
async function openAndResolve(req: PullRequest, opts: RegistryOptions, name: string): Promise<{session: RegistrySession; manifest: ImageManifest}> {
  const repo = repositoryOf(req.ref);
  const endpoints = await endpointsFor(repo, opts);
  let last: Error | undefined;
  for (const group of groupByMirror(endpoints)) {
    try {
      const session = await RegistrySession.open(group, repo, req.creds, ['pull']);
      const manifest = await resolveManifest(session, req.ref.digest ?? req.ref.tag ?? 'latest', name, req.platform);
      return {session, manifest};
    } catch (error) {
      last = error as Error;
      // A mirror that fails is passed over, as dockerd does; the registry's own failure is the answer.
      if (!group[0].mirror) break;
    }
  }
  throw last ?? new RegistryError(`no registry endpoint for ${repo.registry}`);
}

/** Each mirror on its own, then the registry's endpoints (HTTPS, then HTTP when insecure) together. */
function groupByMirror<T extends {mirror: boolean}>(endpoints: T[]): T[][] {
  const mirrors = endpoints.filter((e) => e.mirror).map((e) => [e]);
  const own = endpoints.filter((e) => !e.mirror);
  return [...mirrors, ...(own.length > 0 ? [own] : [])];
}

async function fetchConfig(session: RegistrySession, config: Descriptor): Promise<Buffer> {
  const res = await session.request('GET', `blobs/${config.digest}`);
  if (res.status !== 200) throw await session.failure(res, 'GET');
  const raw = await readBody(res, maxConfig, 'image config');
  if (sha256(raw) !== config.digest) throw new RegistryError(`image config verification failed for digest ${config.digest}: the registry sent content whose digest is ${sha256(raw)}`);
  return raw;
}

/** One layer: downloaded, verified and unpacked in one pass; the staged result is checked against its diff_id. */
async function stageLayer(store: ImageStore, session: RegistrySession, layer: Descriptor, diffId: string, progress: LayerProgress, signal?: AbortSignal): Promise<StagedLayer> {
  const res = await session.request('GET', `blobs/${layer.digest}`);
  // Cancelled while the request was on its way: nothing is staged after the pull was given up.
  if (signal?.aborted) {
    res.body.destroy();
    throw new RegistryError('the pull was cancelled');
  }
  if (res.status !== 200) throw await session.failure(res, 'GET');
  const blob = new VerifiedBlob(layer, (count) => progress.bytes('Downloading', count));
  const abort = () => res.body.destroy(new RegistryError('the pull was cancelled'));
  signal?.addEventListener('abort', abort, {once: true});
  pipeline(res.body, blob, () => {});
  let staged: StagedLayer;
  try {
    staged = await store.layers.stage(blob);
  } catch (error) {
    throw blob.error ?? error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  try {
    await blob.verified();
    if (staged.diffId !== diffId) {
      throw new RegistryError(`layer ${layer.digest} unpacks to ${staged.diffId}, but the image config expects ${diffId}: the registry's content is corrupt or was tampered with`);
    }
  } catch (error) {
    store.layers.discard(staged);
    throw error;
  }
  progress.bytes('Downloading', layer.size, true);
  progress.status('Download complete');
  progress.bytes('Extracting', layer.size, true);
  return staged;
}

/**
 * A registry's refusal in dockerd's words: denied and unknown names are "not found" (so the CLI does not offer a
 * login prompt), anything else, unauthorized included, a plain failure.
 */
function translatePullError(error: unknown, ref: Reference): unknown {
  if (!(error instanceof RegistryError)) return error;
  if (error.code === 'DENIED') return new RegistryError(`pull access denied for ${ref.repo}, repository does not exist or may require 'docker login': ${error.message}`, 'not-found', error.code);
  if (error.code === 'NAME_UNKNOWN') return new RegistryError(`repository ${ref.repo} not found: ${error.message}`, 'not-found', error.code);
  if (error.kind === 'unauthorized') return new RegistryError(error.message, 'system', error.code);
  return error;
}

export async function pullImage(store: ImageStore, opts: RegistryOptions, req: PullRequest, out: ProgressSink): Promise<PullResult> {
  try {
    return await pull(store, opts, req, out);
  } catch (error) {
    throw translatePullError(error, req.ref);
  }
}

async function pull(store: ImageStore, opts: RegistryOptions, req: PullRequest, out: ProgressSink): Promise<PullResult> {
  const ref = withDefaultTag(req.ref);
  const name = formatReference(ref);
  const {session, manifest} = await openAndResolve({...req, ref}, opts, name);
  out({status: `Pulling from ${session.repo.path}`, id: ref.digest ?? ref.tag});
  const configRaw = await fetchConfig(session, manifest.config);
  let config;
  try {
    config = parseImageConfig(configRaw, `image config ${manifest.config.digest}`);
  } catch (error) {
    throw new RegistryError((error as Error).message);
  }
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new RegistryError(`manifest for ${name} lists ${manifest.layers.length} layers but its image config has ${diffIds.length} diff_ids`);
  }
  const id = sha256(configRaw);
  const chains = chainIds(diffIds);
  const tagged = () => store.refs.get(ref) === id;
  if (!store.get(id)) {
    await fetchLayers(store, session, manifest, diffIds, chains, opts, out, req.signal);
    store.register(configRaw);
  }
  out({status: `Digest: ${manifest.digest}`});
  const upToDate = tagged() && store.refs.get({repo: ref.repo, digest: manifest.digest}) === id;
  if (!ref.digest) store.tag(id, ref);
  store.tag(id, {repo: ref.repo, digest: manifest.digest});
  out({status: upToDate ? `Status: Image is up to date for ${name}` : `Status: Downloaded newer image for ${name}`});
  return {id, digest: manifest.digest, name};
}

async function fetchLayers(store: ImageStore, session: RegistrySession, manifest: ImageManifest, diffIds: string[], chains: string[], opts: RegistryOptions, out: ProgressSink, signal?: AbortSignal): Promise<void> {
  // Every layer up to the highest one already in the store is there (a chain implies its parents).
  let present = -1;
  chains.forEach((chain, i) => {
    if (store.layers.has(chain)) present = i;
  });
  const progress = manifest.layers.map((l) => new LayerProgress(out, l.digest, l.size));
  const seen = new Set<string>();
  for (const [i, p] of progress.entries()) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    p.status(i <= present ? 'Already exists' : 'Pulling fs layer');
  }
  const limit = limiter(opts.maxConcurrentDownloads);
  const staged = new Map<number, StagedLayer>();
  const failures: Error[] = [];
  const aborter = new AbortController();
  const onAbort = () => aborter.abort();
  signal?.addEventListener('abort', onAbort, {once: true});
  const jobs = manifest.layers.map((layer, i) => {
    if (i <= present) return Promise.resolve();
    const queued = limit.busy;
    if (queued) progress[i].status('Waiting');
    return limit.run(async () => {
      if (aborter.signal.aborted) return;
      try {
        staged.set(i, await stageLayer(store, session, layer, diffIds[i], progress[i], aborter.signal));
      } catch (error) {
        failures.push(error as Error);
        aborter.abort();
      }
    });
  });
  await Promise.all(jobs);
  signal?.removeEventListener('abort', onAbort);
  if (failures.length > 0 || signal?.aborted) {
    for (const s of staged.values()) store.layers.discard(s);
    throw failures[0] ?? new RegistryError('the pull was cancelled');
  }
  // All staged and checked: committed bottom up, so the store never holds a layer without its parent.
  const sources = new BlobSources(store.root);
  const source = `${session.repo.registry}/${session.repo.path}`;
  manifest.layers.forEach((l, i) => sources.add(diffIds[i], {Digest: l.digest, SourceRepository: source, Size: l.size}));
  for (let i = present + 1; i < manifest.layers.length; i++) {
    store.layers.commit(staged.get(i)!, i > 0 ? chains[i - 1] : undefined);
    progress[i].status('Pull complete');
  }
}
