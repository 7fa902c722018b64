/**
 * A writable view of an image for the steps that change files without running anything (COPY, ADD, WORKDIR)
 * and a readable one for `COPY --from`. Like Docker's image mounts, and unlike a container's root, there is no
 * init layer: an overlay of the image's layers with a fresh upper dir, whose contents become the step's layer.
 * A stage with no layers yet (FROM scratch) needs no mount: the upper dir itself is the root.
 * Upper and work dirs live in overlay2/build-<random>, which start-up repair removes after a crash; the mount
 * point is under <exec-root>/build, outside the data-root, so that removal never has to cross a live mount.
 */
import {execFileSync} from 'node:child_process';
import {randomBytes} from '../util/random.js';
import {existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import type {Readable} from 'node:stream';
import {mountsBelow} from '../../common/mount-table.js';
import type {LayerStore} from '../images/layer-store.js';
import {mountRwLayer, unmountRwLayer, type RwLayerPaths} from '../containers/rw-layer.js';
import {exportDirectoryDiff} from '../layers/index.js';

/** overlay's lowerdir for a layer chain: its short link, then the links of the layers below (relative to overlay2/). */
function lowerDirs(layers: LayerStore, chainId: string): string {
  const layer = layers.get(chainId);
  if (!layer) throw new Error(`image layer ${chainId} is missing from the store`);
  const dir = join(layers.driverRoot, layer.cacheId);
  const own = `l/${readFileSync(join(dir, 'link'), 'utf8').trim()}`;
  const below = existsSync(join(dir, 'lower')) ? readFileSync(join(dir, 'lower'), 'utf8').trim() : '';
  return below ? `${own}:${below}` : own;
}

/** Mount points left by a daemon that died mid-step; called at start-up, before any build runs. */
export function releaseStaleMounts(mountRoot: string): void {
  for (const point of mountsBelow(mountRoot)) {
    try {
      execFileSync('umount', ['-l', point], {stdio: 'ignore'});
    } catch {
      // already gone
    }
  }
  rmSync(mountRoot, {recursive: true, force: true});
}

export class BuildRoot {
  private mounted: boolean;

  private constructor(
    private readonly dir: string,
    private readonly paths: RwLayerPaths | undefined,
  ) {
    this.mounted = paths !== undefined;
  }

  /** Opens a view of the image whose top layer is `topChain` (undefined: an empty root); mounts go under `mountRoot`. */
  static async open(layers: LayerStore, topChain: string | undefined, mountRoot: string): Promise<BuildRoot> {
    const id = `build-${randomBytes(16).toString('hex')}`;
    const dir = join(layers.driverRoot, id);
    mkdirSync(join(dir, 'diff'), {recursive: true, mode: 0o755});
    if (!topChain) return new BuildRoot(dir, undefined);
    const merged = join(mountRoot, id);
    try {
      mkdirSync(join(dir, 'work'), {mode: 0o700});
      mkdirSync(merged, {recursive: true, mode: 0o700});
      const paths: RwLayerPaths = {mountId: id, lower: lowerDirs(layers, topChain), upper: join(dir, 'diff'), work: join(dir, 'work'), merged};
      await mountRwLayer(layers, paths);
      return new BuildRoot(dir, paths);
    } catch (error) {
      rmSync(dir, {recursive: true, force: true});
      rmSync(merged, {recursive: true, force: true});
      throw error;
    }
  }

  /** Where to read and write: the merged view, or the upper dir itself when there is nothing below it. */
  get root(): string {
    return this.paths ? this.paths.merged : join(this.dir, 'diff');
  }

  private async unmount(): Promise<void> {
    if (!this.mounted || !this.paths) return;
    await unmountRwLayer(this.paths);
    this.mounted = false;
  }

  /** The changes as a layer tar, or null when nothing changed (the step then adds no layer). */
  async changes(): Promise<Readable | null> {
    await this.unmount();
    const upper = join(this.dir, 'diff');
    return readdirSync(upper).length === 0 ? null : exportDirectoryDiff(upper);
  }

  async discard(): Promise<void> {
    await this.unmount();
    // Not recursive: should the unmount have failed, nothing is deleted through the mount.
    if (this.paths) rmdirSync(this.paths.merged, {maxRetries: 0});
    rmSync(this.dir, {recursive: true, force: true});
  }
}
