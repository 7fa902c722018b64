/**
 * Manifests: Docker schema 2 and OCI image manifests, Docker manifest lists and OCI indexes (one entry chosen
 * for the platform, linux/amd64 unless asked), each checked against the digest it was asked by or announced
 * with. Schema 1 is refused with a clear message.
 */
import {sha256} from '../images/digest.js';
import {RegistryError} from './registry-error.js';
import type {RegistrySession} from './session.js';
import {readBody} from './transport.js';

export const mediaTypes = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  schema1: 'application/vnd.docker.distribution.manifest.v1+json',
  schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
};

const accepted = [mediaTypes.dockerManifest, mediaTypes.dockerList, mediaTypes.ociManifest, mediaTypes.ociIndex, mediaTypes.schema1Signed, mediaTypes.schema1];
const layerTypes = new Set([mediaTypes.dockerLayer, mediaTypes.ociLayerGzip, mediaTypes.ociLayer]);
const maxManifest = 4 << 20;
const digestRe = /^sha256:[a-f0-9]{64}$/;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface ImageManifest {
  /** The digest of the manifest that was asked for (a list's own digest when a list was asked for). */
  digest: string;
  mediaType: string;
  raw: Buffer;
  config: Descriptor;
  layers: Descriptor[];
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** `linux`, `linux/amd64`, `linux/arm64/v8` as `--platform` gives it; the daemon's own platform by default. */
export function parsePlatform(text: string | null | undefined): Platform {
  if (!text) return {os: 'linux', architecture: 'amd64'};
  const [os, architecture = 'amd64', variant] = text.toLowerCase().split('/');
  const arch = architecture === 'x86_64' ? 'amd64' : architecture === 'aarch64' ? 'arm64' : architecture;
  return {os, architecture: arch, variant};
}

export const formatPlatform = (p: Platform) => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

function parseJson(raw: Buffer, where: string): Record<string, unknown> {
  try {
    const data = JSON.parse(raw.toString('utf8')) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not a JSON object');
    return data as Record<string, unknown>;
  } catch (error) {
    throw new RegistryError(`${where}: the manifest is not valid JSON: ${(error as Error).message}`);
  }
}

function descriptor(value: unknown, where: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (typeof d !== 'object' || d === null || typeof d.digest !== 'string' || !digestRe.test(d.digest) || typeof d.size !== 'number' || d.size < 0 || !Number.isSafeInteger(d.size)) {
    throw new RegistryError(`${where}: needs a sha256 "digest" and a non-negative "size"`);
  }
  return {mediaType: typeof d.mediaType === 'string' ? d.mediaType : '', digest: d.digest, size: d.size};
}

/** GET one manifest by tag or digest; its bytes must hash to the digest asked for or announced. */
async function fetchManifest(session: RegistrySession, reference: string, name: string): Promise<{raw: Buffer; digest: string; mediaType: string}> {
  const res = await session.request('GET', `manifests/${reference}`, {headers: {Accept: accepted.join(', ')}});
  if (res.status === 404) {
    const failure = await session.failure(res, 'GET');
    throw new RegistryError(`manifest for ${name} not found: ${failure.message}`, 'not-found', failure.code);
  }
  if (res.status !== 200) throw await session.failure(res, 'GET');
  const raw = await readBody(res, maxManifest, 'manifest');
  const digest = sha256(raw);
  if (digestRe.test(reference) && reference !== digest) {
    throw new RegistryError(`manifest verification failed for digest ${reference}: the registry sent content whose digest is ${digest}`);
  }
  const announced = res.headers['docker-content-digest'];
  if (typeof announced === 'string' && digestRe.test(announced) && announced !== digest) {
    throw new RegistryError(`manifest for ${name}: the registry announced digest ${announced} but sent content whose digest is ${digest}`);
  }
  const data = parseJson(raw, `manifest for ${name}`);
  const contentType = String(res.headers['content-type'] ?? '').split(';')[0].trim();
  const mediaType = typeof data.mediaType === 'string' ? data.mediaType : data.schemaVersion === 1 ? mediaTypes.schema1 : contentType;
  return {raw, digest, mediaType};
}

function pickFromList(data: Record<string, unknown>, platform: Platform, name: string): Descriptor {
  const entries = Array.isArray(data.manifests) ? data.manifests : [];
  const parsed = entries.map((m, i) => ({d: descriptor(m, `manifest list of ${name}, entry ${i}`), p: (m as {platform?: Partial<Platform>}).platform ?? {}}));
  const fits = parsed.filter(({p}) => p.os === platform.os && p.architecture === platform.architecture && (!platform.variant || p.variant === platform.variant));
  // Without a variant asked for, an entry without one (or v8 on arm64) is preferred, as containerd's matcher does.
  fits.sort((a, b) => Number(Boolean(a.p.variant)) - Number(Boolean(b.p.variant)));
  if (fits.length === 0) throw new RegistryError(`no matching manifest for ${formatPlatform(platform)} in the manifest list entries`, 'not-found');
  return fits[0].d;
}

/** The image manifest for a tag or digest, following a list or index to the platform's entry. */
export async function resolveManifest(session: RegistrySession, reference: string, name: string, platform: Platform): Promise<ImageManifest> {
  const top = await fetchManifest(session, reference, name);
  let current = top;
  for (let depth = 0; ; depth++) {
    if (current.mediaType === mediaTypes.schema1 || current.mediaType === mediaTypes.schema1Signed) {
      throw new RegistryError(`${name}: the registry serves this image only as a Docker schema 1 manifest, which this engine does not pull (push it again with a current docker or skopeo to get schema 2 or OCI)`, 'invalid-argument');
    }
    const data = parseJson(current.raw, `manifest for ${name}`);
    if (current.mediaType === mediaTypes.dockerList || current.mediaType === mediaTypes.ociIndex) {
      if (depth > 0) throw new RegistryError(`manifest for ${name}: an index inside an index is not supported`);
      const chosen = pickFromList(data, platform, name);
      current = await fetchManifest(session, chosen.digest, name);
      continue;
    }
    if (current.mediaType !== mediaTypes.dockerManifest && current.mediaType !== mediaTypes.ociManifest) {
      throw new RegistryError(`manifest for ${name}: unsupported manifest media type "${current.mediaType}"`);
    }
    const config = descriptor(data.config, `manifest for ${name}: config`);
    if (!Array.isArray(data.layers)) throw new RegistryError(`manifest for ${name}: "layers" must be a list`);
    const layers = data.layers.map((l, i) => descriptor(l, `manifest for ${name}: layers[${i}]`));
    for (const [i, layer] of layers.entries()) {
      if (!layerTypes.has(layer.mediaType)) {
        throw new RegistryError(`manifest for ${name}: layers[${i}] has media type "${layer.mediaType}", which this engine cannot unpack (gzip or plain tar layers only)`);
      }
    }
    return {digest: top.digest, mediaType: current.mediaType, raw: current.raw, config, layers};
  }
}
