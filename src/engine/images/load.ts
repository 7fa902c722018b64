/**
 * `docker load`: both save formats (legacy and the OCI layout of Docker 25+; both carry manifest.json, and a
 * plain OCI layout is read through index.json). Every layer is checked against the config's diff_ids before
 * anything becomes visible; a refused archive leaves the store exactly as it was.
 */
import type {Readable} from 'node:stream';
import {ArchiveError, discardAll, readArchive, readSmall, resolveEntry, streamOf, type ArchiveContents, type EntryProgress} from './archive-reader.js';
import {chainIds, sha256} from './digest.js';
import {parseImageConfig} from './image-config.js';
import type {ImageStore} from './image-store.js';
import type {StagedLayer} from './layer-store.js';
import {formatReference, parseReference, withDefaultTag, type Reference} from './reference.js';

interface ManifestItem {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

export interface LoadProgress {
  stream?: string;
}

export interface LoadResult {
  images: Array<{id: string; tags: string[]}>;
}

function parseJson<T>(data: Buffer, what: string): T {
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch (error) {
    throw new ArchiveError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Plain OCI layouts (no manifest.json): index.json → image manifests → config + layer blobs. */
function manifestFromOciIndex(contents: ArchiveContents): ManifestItem[] {
  const index = parseJson<{manifests?: Array<{digest: string; annotations?: Record<string, string>}>}>(readSmall(contents, 'index.json', 'OCI index'), 'index.json');
  const blob = (digest: string) => {
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new ArchiveError(`index.json: "${digest}" is not a sha256 digest`);
    return `blobs/sha256/${digest.slice(7)}`;
  };
  return (index.manifests ?? []).map((m, i) => {
    const manifest = parseJson<{config?: {digest: string}; layers?: Array<{digest: string}>}>(readSmall(contents, blob(m.digest), `manifest ${i}`), `manifest ${m.digest}`);
    if (!manifest.config || !Array.isArray(manifest.layers)) throw new ArchiveError(`manifest ${m.digest} has no config or layers (is it an image index?)`);
    const name = m.annotations?.['io.containerd.image.name'];
    return {Config: blob(manifest.config.digest), RepoTags: name ? [name] : [], Layers: manifest.layers.map((l) => blob(l.digest))};
  });
}

function readManifest(contents: ArchiveContents): ManifestItem[] {
  if (contents.small.has('manifest.json')) {
    const items = parseJson<ManifestItem[]>(contents.small.get('manifest.json')!, 'manifest.json');
    if (!Array.isArray(items)) throw new ArchiveError('manifest.json must be a JSON array');
    items.forEach((item, i) => {
      if (typeof item?.Config !== 'string' || !Array.isArray(item.Layers) || !item.Layers.every((l) => typeof l === 'string')) {
        throw new ArchiveError(`manifest.json[${i}]: needs "Config" (string) and "Layers" (array of strings)`);
      }
    });
    return items;
  }
  if (contents.small.has('index.json')) return manifestFromOciIndex(contents);
  throw new ArchiveError('unsupported archive: it has neither manifest.json nor an OCI index.json (is it really from `docker save`?)');
}

interface PlannedImage {
  raw: Buffer;
  id: string;
  diffIds: string[];
  layerPaths: string[];
  tags: Reference[];
}

function plan(contents: ArchiveContents, items: ManifestItem[]): PlannedImage[] {
  return items.map((item, i) => {
    const raw = readSmall(contents, item.Config, `manifest.json[${i}] config`);
    let config;
    try {
      config = parseImageConfig(raw, item.Config);
    } catch (error) {
      throw new ArchiveError((error as Error).message);
    }
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== item.Layers.length) {
      throw new ArchiveError(`manifest.json[${i}]: ${item.Layers.length} layers listed but the config has ${diffIds.length} diff_ids`);
    }
    const tags = (item.RepoTags ?? []).map((t) => {
      try {
        return withDefaultTag(parseReference(t));
      } catch {
        throw new ArchiveError(`manifest.json[${i}]: invalid tag "${t}"`);
      }
    });
    return {raw, id: sha256(raw), diffIds, layerPaths: item.Layers.map((l) => resolveEntry(contents, l)), tags};
  });
}

/** Each layer path → its staged unpacking, checked against the digest the config promises. */
async function stageLayers(store: ImageStore, contents: ArchiveContents, images: PlannedImage[]): Promise<Map<string, StagedLayer>> {
  const byPath = new Map<string, StagedLayer>();
  for (const image of images) {
    for (const [i, path] of image.layerPaths.entries()) {
      let staged = byPath.get(path) ?? contents.staged.get(path);
      if (!staged) {
        const failure = contents.failed.get(path);
        if (failure) throw new ArchiveError(`layer "${path}": ${failure.message}`);
        const small = contents.small.get(path);
        if (!small) throw new ArchiveError(`layer "${path}" is not in the archive`);
        contents.small.delete(path);
        staged = await store.layers.stage(streamOf(small));
        contents.staged.set(path, staged);
      }
      if (staged.diffId !== image.diffIds[i]) {
        throw new ArchiveError(`layer "${path}" has digest ${staged.diffId}, but the image config expects ${image.diffIds[i]}: the archive is corrupt or was tampered with`);
      }
      byPath.set(path, staged);
    }
  }
  return byPath;
}

export async function loadImages(store: ImageStore, input: Readable, report: (line: string) => void, onLayerBytes?: EntryProgress): Promise<LoadResult> {
  const contents = await readArchive(input, store.layers, onLayerBytes);
  let images: PlannedImage[];
  let staged: Map<string, StagedLayer>;
  try {
    images = plan(contents, readManifest(contents));
    if (images.length === 0) throw new ArchiveError('the archive holds no images');
    staged = await stageLayers(store, contents, images);
  } catch (error) {
    discardAll(contents, store.layers);
    throw error;
  }
  // Everything checked: now make it visible, bottom layer first, the image config after its layers, tags last.
  const result: LoadResult = {images: []};
  const committed = new Set<StagedLayer>();
  try {
    await commitImages(store, images, staged, committed, result, report);
  } finally {
    // Whatever was not moved into the store leaves tmp, on success and on failure alike.
    for (const layer of contents.staged.values()) if (!committed.has(layer)) store.layers.discard(layer);
  }
  return result;
}

async function commitImages(
  store: ImageStore, images: PlannedImage[], staged: Map<string, StagedLayer>, committed: Set<StagedLayer>,
  result: LoadResult, report: (line: string) => void,
): Promise<void> {
  for (const image of images) {
    const chains = chainIds(image.diffIds);
    for (const [i, path] of image.layerPaths.entries()) {
      if (store.layers.has(chains[i])) continue;
      const parent = i > 0 ? chains[i - 1] : undefined;
      let layer = staged.get(path)!;
      if (committed.has(layer)) {
        // The same layer content on top of another parent (e.g. two identical empty layers): a new copy is needed.
        const twin = store.layers.all().find((l) => l.diffId === layer.diffId)!;
        layer = await store.layers.stage(store.layers.export(twin));
      }
      try {
        store.layers.commit(layer, parent);
      } catch (error) {
        // A twin staged here is in no list the caller discards from.
        store.layers.discard(layer);
        throw error;
      }
      committed.add(layer);
    }
    store.register(image.raw);
    const tags: string[] = [];
    for (const ref of image.tags) {
      const previous = store.tag(image.id, ref);
      const name = formatReference(ref);
      if (previous) report(`The image ${name} already exists, renaming the old one with ID ${previous} to empty string\n`);
      tags.push(name);
      report(`Loaded image: ${name}\n`);
    }
    if (tags.length === 0) report(`Loaded image ID: ${image.id}\n`);
    result.images.push({id: image.id, tags});
  }
}

