/**
 * Image layers in Docker's overlay2 layout, file for file:
 *   image/overlay2/layerdb/sha256/<chainID>/{diff,size,cache-id,parent,tar-split.json.gz}
 *   overlay2/<cache-id>/{diff/,link,lower,work/}   and   overlay2/l/<link> -> ../<cache-id>/diff
 * A layer is staged in <data-root>/tmp while it unpacks and only renamed into place once verified,
 * so a crash mid-load leaves nothing half-made in the store (tmp is emptied at start-up).
 */
import {randomBytes} from '../util/random.js';
import {existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Readable} from 'node:stream';
import {applyLayerTar, assembleLayerTar} from '../layers/index.js';
import {chainId as computeChainId, hex} from './digest.js';

export interface Layer {
  chainId: string;
  diffId: string;
  parent?: string;
  cacheId: string;
  /** Bytes of file content in the layer (layerdb's `size`). */
  size: number;
}

export interface StagedLayer {
  dir: string;
  diffId: string;
  size: number;
}

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function shortLinkId(): string {
  return [...randomBytes(26)].map((b) => base32[b % 32]).join('');
}

export class LayerStore {
  readonly layerdb: string;
  readonly driverRoot: string;
  private readonly tmpRoot: string;

  constructor(dataRoot: string) {
    this.layerdb = join(dataRoot, 'image', 'overlay2', 'layerdb');
    this.driverRoot = join(dataRoot, 'overlay2');
    this.tmpRoot = join(dataRoot, 'tmp');
    mkdirSync(join(this.layerdb, 'sha256'), {recursive: true, mode: 0o700});
    mkdirSync(join(this.layerdb, 'tmp'), {recursive: true, mode: 0o700});
    mkdirSync(join(this.driverRoot, 'l'), {recursive: true, mode: 0o700});
    mkdirSync(this.tmpRoot, {recursive: true, mode: 0o700});
  }

  /** Removes what an interrupted load or delete left behind. */
  cleanTemporary(): void {
    for (const dir of [this.tmpRoot, join(this.layerdb, 'tmp')]) {
      for (const entry of readdirSync(dir)) rmSync(join(dir, entry), {recursive: true, force: true});
    }
  }

  private dbDir(chainId: string): string {
    return join(this.layerdb, 'sha256', hex(chainId));
  }

  has(chainId: string): boolean {
    return existsSync(join(this.dbDir(chainId), 'cache-id'));
  }

  /** Layers never change once committed, so their metadata is read from disk once. */
  private readonly cache = new Map<string, Layer>();

  get(chainId: string): Layer | undefined {
    const cached = this.cache.get(chainId);
    if (cached) return cached;
    const dir = this.dbDir(chainId);
    try {
      const read = (f: string) => readFileSync(join(dir, f), 'utf8').trim();
      const parent = existsSync(join(dir, 'parent')) ? read('parent') : undefined;
      const layer = {chainId, diffId: read('diff'), parent, cacheId: read('cache-id'), size: Number(read('size'))};
      this.cache.set(chainId, layer);
      return layer;
    } catch {
      return undefined;
    }
  }

  all(): Layer[] {
    return readdirSync(join(this.layerdb, 'sha256'))
      .map((h) => this.get(`sha256:${h}`))
      .filter((l): l is Layer => l !== undefined);
  }

  diffDir(layer: Layer): string {
    return join(this.driverRoot, layer.cacheId, 'diff');
  }

  /** The layer's directories from top to bottom: what overlay's lowerdir lists. */
  diffDirs(chainId: string): string[] {
    const dirs: string[] = [];
    for (let id: string | undefined = chainId; id; ) {
      const layer = this.get(id);
      if (!layer) throw new Error(`layer ${id} is missing from the store`);
      dirs.push(this.diffDir(layer));
      id = layer.parent;
    }
    return dirs;
  }

  /** Unpacks a layer tar into a private staging dir; nothing is visible in the store yet. */
  async stage(input: Readable): Promise<StagedLayer> {
    const dir = join(this.tmpRoot, `layer-${randomBytes(8).toString('hex')}`);
    mkdirSync(join(dir, 'diff'), {recursive: true, mode: 0o755});
    try {
      const applied = await applyLayerTar(input, join(dir, 'diff'), {tarSplitPath: join(dir, 'tar-split.json.gz')});
      return {dir, diffId: applied.diffId, size: applied.size};
    } catch (error) {
      rmSync(dir, {recursive: true, force: true});
      throw error;
    }
  }

  discard(staged: StagedLayer): void {
    rmSync(staged.dir, {recursive: true, force: true});
  }

  /** Moves a staged layer into the store on top of `parent`; a layer already there is kept and the staged copy dropped. */
  commit(staged: StagedLayer, parent: string | undefined): Layer {
    const chainId = computeChainId(parent, staged.diffId);
    const existing = this.get(chainId);
    if (existing) {
      this.discard(staged);
      return existing;
    }
    const parentLayer = parent ? this.get(parent) : undefined;
    if (parent && !parentLayer) throw new Error(`parent layer ${parent} is missing from the store`);
    const cacheId = randomBytes(32).toString('hex');
    const link = shortLinkId();
    // Driver dir first, then the layerdb entry that makes it a layer: a crash in between leaves an orphan dir that start-up removes.
    writeFileSync(join(staged.dir, 'link'), link);
    if (parentLayer) {
      const parentLink = readFileSync(join(this.driverRoot, parentLayer.cacheId, 'link'), 'utf8').trim();
      const parentLowerPath = join(this.driverRoot, parentLayer.cacheId, 'lower');
      const parentLower = existsSync(parentLowerPath) ? readFileSync(parentLowerPath, 'utf8').trim() : '';
      writeFileSync(join(staged.dir, 'lower'), [`l/${parentLink}`, parentLower].filter(Boolean).join(':'));
      mkdirSync(join(staged.dir, 'work'), {mode: 0o700});
    }
    const tarSplit = join(staged.dir, 'tar-split.json.gz');
    const dbTmp = join(this.layerdb, 'tmp', `write-set-${randomBytes(8).toString('hex')}`);
    mkdirSync(dbTmp, {mode: 0o700});
    writeFileSync(join(dbTmp, 'diff'), staged.diffId);
    writeFileSync(join(dbTmp, 'size'), String(staged.size));
    writeFileSync(join(dbTmp, 'cache-id'), cacheId);
    if (parent) writeFileSync(join(dbTmp, 'parent'), parent);
    renameSync(tarSplit, join(dbTmp, 'tar-split.json.gz'));
    renameSync(staged.dir, join(this.driverRoot, cacheId));
    symlinkSync(`../${cacheId}/diff`, join(this.driverRoot, 'l', link));
    renameSync(dbTmp, this.dbDir(chainId));
    return {chainId, diffId: staged.diffId, parent, cacheId, size: staged.size};
  }

  /** The layer's original tar, byte for byte (what `docker save` writes and what its digest names). */
  export(layer: Layer): Readable {
    return assembleLayerTar(this.diffDir(layer), join(this.dbDir(layer.chainId), 'tar-split.json.gz'));
  }

  tarSplitPath(layer: Layer): string {
    return join(this.dbDir(layer.chainId), 'tar-split.json.gz');
  }

  /** Deletes one layer: the layerdb entry goes first so a crash never leaves a layer pointing at a missing dir. */
  remove(layer: Layer): void {
    this.cache.delete(layer.chainId);
    const trash = join(this.tmpRoot, `rm-${randomBytes(8).toString('hex')}`);
    renameSync(this.dbDir(layer.chainId), trash);
    const driverDir = join(this.driverRoot, layer.cacheId);
    try {
      const link = readFileSync(join(driverDir, 'link'), 'utf8').trim();
      rmSync(join(this.driverRoot, 'l', link), {force: true});
    } catch {
      // no link file: nothing to unlink
    }
    if (existsSync(driverDir)) renameSync(driverDir, join(trash, 'driver'));
    rmSync(trash, {recursive: true, force: true});
  }

  /** Removes overlay2 dirs and short links that no layerdb entry (or `keep`) accounts for. */
  removeOrphans(keepCacheIds: Set<string>): string[] {
    const known = new Set([...this.all().map((l) => l.cacheId), ...keepCacheIds]);
    const removed: string[] = [];
    for (const entry of readdirSync(this.driverRoot)) {
      if (entry === 'l' || known.has(entry) || known.has(entry.replace(/-init$/, ''))) continue;
      rmSync(join(this.driverRoot, entry), {recursive: true, force: true});
      removed.push(entry);
    }
    for (const link of readdirSync(join(this.driverRoot, 'l'))) {
      if (!existsSync(join(this.driverRoot, 'l', link, '.'))) rmSync(join(this.driverRoot, 'l', link), {force: true});
    }
    return removed;
  }
}
