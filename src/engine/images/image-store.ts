/**
 * Images in Docker's layout: image/overlay2/imagedb/content/sha256/<id> holds the config bytes whose sha256 is
 * the ID; imagedb/metadata/sha256/<id>/{parent,lastUpdated} the extras. Layers and tags have their own stores.
 */
import {existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {invalidArgument, notFound} from '../errors.js';
import {writeFileAtomic} from '../util/fs-atomic.js';
import {chainIds, hex, isDigest, sha256} from './digest.js';
import {parseImageConfig} from './image-config.js';
import type {ImageConfig} from '../model/image-config.js';
import {LayerStore, type Layer} from './layer-store.js';
import {ReferenceStore} from './reference-store.js';
import {formatReference, parseReference, withDefaultTag, type Reference} from './reference.js';

export interface ImageRecord {
  id: string;
  raw: Buffer;
  config: ImageConfig;
  parent?: string;
  lastTagTime?: string;
}

/** What containers hold in the layer store: the chains their layers sit on, and their own overlay2 dirs. */
export interface ContainerLayerUse {
  chains: Set<string>;
  mountIds: Set<string>;
}

const noContainers = (): ContainerLayerUse => ({chains: new Set(), mountIds: new Set()});

export class ImageStore {
  readonly root: string;
  readonly layers: LayerStore;
  readonly refs: ReferenceStore;
  private readonly cache = new Map<string, ImageRecord>();
  constructor(
    readonly dataRoot: string,
    /** Asked at prune and start-up repair, so that what containers use is never removed. */
    private readonly containerLayerUse: () => ContainerLayerUse = noContainers,
  ) {
    mkdirSync(dataRoot, {recursive: true, mode: 0o710});
    this.root = join(dataRoot, 'image', 'overlay2');
    mkdirSync(join(this.root, 'imagedb', 'content', 'sha256'), {recursive: true, mode: 0o700});
    mkdirSync(join(this.root, 'imagedb', 'metadata', 'sha256'), {recursive: true, mode: 0o700});
    this.layers = new LayerStore(dataRoot);
    this.refs = new ReferenceStore(this.root);
  }

  private contentPath(id: string): string {
    return join(this.root, 'imagedb', 'content', 'sha256', hex(id));
  }

  private metadataDir(id: string): string {
    return join(this.root, 'imagedb', 'metadata', 'sha256', hex(id));
  }

  private idSet: Set<string> | undefined;

  /** Image IDs, read from imagedb once and kept in step by register/remove. */
  ids(): string[] {
    this.idSet ??= new Set(
      readdirSync(join(this.root, 'imagedb', 'content', 'sha256'))
        .filter((h) => /^[a-f0-9]{64}$/.test(h))
        .map((h) => `sha256:${h}`),
    );
    return [...this.idSet];
  }

  get(id: string): ImageRecord | undefined {
    const cached = this.cache.get(id);
    if (cached) return cached;
    let raw: Buffer;
    try {
      raw = readFileSync(this.contentPath(id));
    } catch {
      return undefined;
    }
    const meta = (f: string) => {
      try {
        return readFileSync(join(this.metadataDir(id), f), 'utf8').trim();
      } catch {
        return undefined;
      }
    };
    const record: ImageRecord = {id, raw, config: parseImageConfig(raw, this.contentPath(id)), parent: meta('parent'), lastTagTime: meta('lastUpdated')};
    this.cache.set(id, record);
    return record;
  }

  all(): ImageRecord[] {
    return this.ids().map((id) => this.get(id)).filter((r): r is ImageRecord => r !== undefined);
  }

  /** A name as users type it: a reference (`busybox`, `busybox:1.36`), a full or short image ID. */
  resolve(name: string): ImageRecord {
    const found = this.find(name);
    if (found) return found;
    // As dockerd reads what was typed: `sha256:…` is an ID, 64 hex digits are one too (shown with sha256:), and
    // anything else is a reference — a short hex ID that matches no image is a name, `cc24e1ea11ea:latest`. An
    // invalid reference is dockerd's 400 "invalid reference format" (`../../x`) rather than "no such image".
    if (/^sha256:[a-f0-9]{1,64}$/.test(name)) throw notFound(`No such image: ${name}`);
    if (/^[a-f0-9]{64}$/.test(name)) throw notFound(`No such image: sha256:${name}`);
    throw notFound(`No such image: ${formatReference(withDefaultTag(parseReference(name)))}`);
  }

  find(name: string): ImageRecord | undefined {
    if (isDigest(name)) return this.get(name);
    if (/^[a-f0-9]{64}$/.test(name)) return this.get(`sha256:${name}`);
    let ref: Reference | undefined;
    try {
      ref = withDefaultTag(parseReference(name));
    } catch {
      ref = undefined;
    }
    const byRef = ref ? this.refs.get(ref) : undefined;
    if (byRef) return this.get(byRef);
    const prefix = name.replace(/^sha256:/, '');
    if (!/^[a-f0-9]+$/.test(prefix)) return undefined;
    const matches = this.ids().filter((id) => hex(id).startsWith(prefix));
    if (matches.length > 1) throw invalidArgument(`multiple IDs found with provided prefix: ${prefix}`);
    return matches.length === 1 ? this.get(matches[0]) : undefined;
  }

  chainOf(image: ImageRecord): string[] {
    return chainIds(image.config.rootfs.diff_ids);
  }

  layersOf(image: ImageRecord): Layer[] {
    return this.chainOf(image).map((id) => {
      const layer = this.layers.get(id);
      if (!layer) throw new Error(`image ${image.id}: layer ${id} is missing from the store`);
      return layer;
    });
  }

  size(image: ImageRecord): number {
    return this.layersOf(image).reduce((sum, l) => sum + l.size, 0);
  }

  /** Stores an image whose layers are all in the layer store already; returns its ID. */
  register(raw: Buffer, parent?: string): string {
    const id = sha256(raw);
    const config = parseImageConfig(raw, 'image config');
    for (const chain of chainIds(config.rootfs.diff_ids)) {
      if (!this.layers.has(chain)) throw new Error(`cannot register image ${id}: layer ${chain} is not in the store`);
    }
    if (!existsSync(this.contentPath(id))) writeFileAtomic(this.contentPath(id), raw);
    this.idSet?.add(id);
    if (parent) {
      mkdirSync(this.metadataDir(id), {recursive: true, mode: 0o700});
      writeFileSync(join(this.metadataDir(id), 'parent'), parent);
    }
    this.cache.delete(id);
    return id;
  }

  /** Points a tag at an image; returns the ID the tag pointed at before, when it moved. */
  tag(id: string, ref: Reference): string | undefined {
    const previous = this.refs.set(withDefaultTag(ref), id);
    mkdirSync(this.metadataDir(id), {recursive: true, mode: 0o700});
    writeFileSync(join(this.metadataDir(id), 'lastUpdated'), new Date().toISOString());
    this.cache.delete(id);
    return previous;
  }

  children(id: string): ImageRecord[] {
    return this.all().filter((img) => img.parent === id);
  }

  /** Removes the image and every layer no other image (or container) still uses; returns the removed layers' chain IDs. */
  remove(id: string): string[] {
    const image = this.get(id);
    if (!image) return [];
    for (const ref of this.refs.refsOf(id)) this.refs.delete(withDefaultTag(parseReference(ref)));
    rmSync(this.contentPath(id), {force: true});
    rmSync(this.metadataDir(id), {recursive: true, force: true});
    this.cache.delete(id);
    this.idSet?.delete(id);
    const inUse = this.usedLayers();
    const removed: string[] = [];
    for (const chain of this.chainOf(image).reverse()) {
      if (inUse.has(chain)) break; // lower layers of a used layer are used too
      const layer = this.layers.get(chain);
      if (!layer) continue;
      this.layers.remove(layer);
      removed.push(chain);
    }
    return removed;
  }

  usedLayers(): Set<string> {
    const used = new Set(this.containerLayerUse().chains);
    for (const img of this.all()) for (const c of this.chainOf(img)) used.add(c);
    return used;
  }

  /** Start-up repair: drop staging leftovers and layers that no image reaches (an interrupted load). */
  recover(): {removedLayers: number} {
    this.layers.cleanTemporary();
    const used = this.usedLayers();
    let removedLayers = 0;
    // Top layers first, so a parent is never removed while a child still points at it.
    const orphans = this.layers.all().filter((l) => !used.has(l.chainId));
    const depth = (l: Layer): number => (l.parent ? 1 + depth(this.layers.get(l.parent) ?? {...l, parent: undefined}) : 0);
    for (const layer of orphans.sort((a, b) => depth(b) - depth(a))) {
      this.layers.remove(layer);
      removedLayers++;
    }
    this.layers.removeOrphans(this.containerLayerUse().mountIds);
    return {removedLayers};
  }
}
