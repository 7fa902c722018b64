/**
 * `docker save` in Docker 25+'s format: an OCI image layout (oci-layout, index.json, blobs/sha256/...) that
 * also carries manifest.json and repositories, so both old and new `docker load` read it. Layers are
 * re-assembled byte for byte from the store, so their digests equal the config's diff_ids.
 */
import type {Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import tar from 'tar-stream';
import {layerTarSize} from '../layers/index.js';
import {hex, sha256} from './digest.js';
import type {ImageRecord, ImageStore} from './image-store.js';
import {formatReference, fullyQualified, parseReference, withDefaultTag, type Reference} from './reference.js';

const mediaTypes = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
};

export interface SaveRequest {
  image: ImageRecord;
  /** The tags the archive records: the one the user named; none when the image was named by ID (as Docker). */
  refs: Reference[];
}

/** Resolves `docker save a b:1 <id>` names to images and the tags each should carry. */
export function planSave(store: ImageStore, names: string[]): SaveRequest[] {
  const byId = new Map<string, SaveRequest>();
  for (const name of names) {
    const image = store.resolve(name);
    const entry = byId.get(image.id) ?? {image, refs: []};
    let ref: Reference | undefined;
    try {
      ref = withDefaultTag(parseReference(name));
    } catch {
      ref = undefined;
    }
    if (ref && store.refs.get(ref) === image.id && !entry.refs.some((r) => formatReference(r) === formatReference(ref))) entry.refs.push(ref);
    byId.set(image.id, entry);
  }
  return [...byId.values()];
}

export async function saveImages(store: ImageStore, requests: SaveRequest[], out: Writable): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, out);
  const mtime = new Date(0);
  const writeEntry = (name: string, data: Buffer | string) =>
    new Promise<void>((resolve, reject) => pack.entry({name, mtime, mode: 0o644}, data, (e) => (e ? reject(e) : resolve())));
  const dir = (name: string) => new Promise<void>((resolve, reject) => pack.entry({name, type: 'directory', mtime, mode: 0o755}, (e) => (e ? reject(e) : resolve())));

  await dir('blobs/');
  await dir('blobs/sha256/');
  const written = new Set<string>();
  const manifestJson: Array<{Config: string; RepoTags: string[]; Layers: string[]}> = [];
  const indexManifests: unknown[] = [];
  const repositories: Record<string, Record<string, string>> = {};

  for (const {image, refs} of requests) {
    const layers = store.layersOf(image);
    const layerDescriptors = [];
    for (const layer of layers) {
      const size = await layerTarSize(store.layers.tarSplitPath(layer));
      layerDescriptors.push({mediaType: mediaTypes.layer, digest: layer.diffId, size});
      const name = `blobs/sha256/${hex(layer.diffId)}`;
      if (written.has(name)) continue;
      written.add(name);
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({name, size, mtime, mode: 0o644}, (e) => (e ? reject(e) : resolve()));
        pipeline(store.layers.export(layer), entry).catch(reject);
      });
    }
    const configName = `blobs/sha256/${hex(image.id)}`;
    if (!written.has(configName)) {
      written.add(configName);
      await writeEntry(configName, image.raw);
    }
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.manifest,
      config: {mediaType: mediaTypes.config, digest: image.id, size: image.raw.length},
      layers: layerDescriptors,
    }));
    const manifestName = `blobs/sha256/${hex(sha256(manifest))}`;
    if (!written.has(manifestName)) {
      written.add(manifestName);
      await writeEntry(manifestName, manifest);
    }
    const tags = refs.map(formatReference);
    manifestJson.push({Config: configName, RepoTags: tags, Layers: layers.map((l) => `blobs/sha256/${hex(l.diffId)}`)});
    const descriptor = {mediaType: mediaTypes.manifest, digest: sha256(manifest), size: manifest.length};
    if (refs.length === 0) indexManifests.push(descriptor);
    for (const ref of refs) {
      indexManifests.push({...descriptor, annotations: {'io.containerd.image.name': fullyQualified(ref), 'org.opencontainers.image.ref.name': ref.tag ?? 'latest'}});
      if (ref.tag && layers.length > 0) repositories[ref.repo] = {...repositories[ref.repo], [ref.tag]: hex(layers.at(-1)!.diffId)};
    }
  }
  await writeEntry('index.json', JSON.stringify({schemaVersion: 2, mediaType: mediaTypes.index, manifests: indexManifests}) + '\n');
  await writeEntry('manifest.json', JSON.stringify(manifestJson) + '\n');
  await writeEntry('oci-layout', JSON.stringify({imageLayoutVersion: '1.0.0'}));
  if (Object.keys(repositories).length > 0) await writeEntry('repositories', JSON.stringify(repositories) + '\n');
  pack.finalize();
  await done;
}
