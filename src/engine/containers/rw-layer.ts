/**
 * A container's own layers, in Docker's layout: layerdb/mounts/<id>/{mount-id,init-id,parent};
 * overlay2/<mount-id>-init (the files the engine provides: /etc/hosts, /.dockerenv, ...) and
 * overlay2/<mount-id> (the writable upper dir where the container's changes land, and merged/, its root).
 */
import {randomBytes} from '../util/random.js';
import {existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {isMountPoint} from '../../common/mount-table.js';
import type {LayerStore} from '../images/layer-store.js';
import {mountOverlay, unmount} from '../runtime/mounter/mounter.js';
import {discardDir} from '../util/discard.js';

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const linkId = () => [...randomBytes(26)].map((b) => base32[b % 32]).join('');

export interface RwLayerPaths {
  mountId: string;
  /** Paths relative to the overlay2 dir, top first, as Docker passes them to mount. */
  lower: string;
  upper: string;
  work: string;
  merged: string;
}

function mountsDir(layers: LayerStore, containerId: string): string {
  return join(layers.layerdb, 'mounts', containerId);
}

function makeLayerDir(layers: LayerStore, id: string, lower: string): string {
  const dir = join(layers.driverRoot, id);
  mkdirSync(join(dir, 'diff'), {recursive: true, mode: 0o755});
  mkdirSync(join(dir, 'work'), {mode: 0o700});
  const link = linkId();
  writeFileSync(join(dir, 'link'), link);
  if (lower) writeFileSync(join(dir, 'lower'), lower);
  symlinkSync(`../${id}/diff`, join(layers.driverRoot, 'l', link));
  return link;
}

function lowerOf(layers: LayerStore, chainId: string | undefined): string {
  if (!chainId) return '';
  const layer = layers.get(chainId);
  if (!layer) throw new Error(`image layer ${chainId} is missing from the store`);
  const dir = join(layers.driverRoot, layer.cacheId);
  const own = `l/${readFileSync(join(dir, 'link'), 'utf8').trim()}`;
  const below = existsSync(join(dir, 'lower')) ? readFileSync(join(dir, 'lower'), 'utf8').trim() : '';
  return below ? `${own}:${below}` : own;
}

/** The init layer's contents: mount points and placeholders the engine fills at start. */
function populateInit(diff: string): void {
  for (const d of ['dev/pts', 'dev/shm', 'etc', 'proc', 'sys']) mkdirSync(join(diff, d), {recursive: true, mode: 0o755});
  for (const f of ['dev/console', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf', '.dockerenv']) writeFileSync(join(diff, f), '', {mode: 0o755});
  symlinkSync('/proc/mounts', join(diff, 'etc/mtab'));
}

export function createRwLayer(layers: LayerStore, containerId: string, imageTopChain: string | undefined): RwLayerPaths {
  const mountId = randomBytes(32).toString('hex');
  const imageLower = lowerOf(layers, imageTopChain);
  const initLink = makeLayerDir(layers, `${mountId}-init`, imageLower);
  populateInit(join(layers.driverRoot, `${mountId}-init`, 'diff'));
  const lower = imageLower ? `l/${initLink}:${imageLower}` : `l/${initLink}`;
  makeLayerDir(layers, mountId, lower);
  mkdirSync(join(layers.driverRoot, mountId, 'merged'), {mode: 0o700});
  const meta = mountsDir(layers, containerId);
  mkdirSync(meta, {recursive: true, mode: 0o700});
  writeFileSync(join(meta, 'mount-id'), mountId);
  writeFileSync(join(meta, 'init-id'), `${mountId}-init`);
  if (imageTopChain) writeFileSync(join(meta, 'parent'), imageTopChain);
  return rwLayerPaths(layers, mountId);
}

export function rwLayerPaths(layers: LayerStore, mountId: string): RwLayerPaths {
  const dir = join(layers.driverRoot, mountId);
  return {mountId, lower: readFileSync(join(dir, 'lower'), 'utf8').trim(), upper: join(dir, 'diff'), work: join(dir, 'work'), merged: join(dir, 'merged')};
}

export const isMounted = (path: string): boolean => isMountPoint(path);

/** Mounts the container's root in the host mount namespace; relative lowerdirs keep the option string short, as Docker does. */
export async function mountRwLayer(layers: LayerStore, paths: RwLayerPaths): Promise<void> {
  if (isMounted(paths.merged)) return;
  const id = paths.mountId;
  const options = `lowerdir=${paths.lower},upperdir=${id}/diff,workdir=${id}/work`;
  await mountOverlay(layers.driverRoot, paths.merged, options);
}

export async function unmountRwLayer(paths: RwLayerPaths): Promise<void> {
  if (!isMounted(paths.merged)) return;
  await unmount(paths.merged);
}

export async function removeRwLayer(layers: LayerStore, containerId: string): Promise<void> {
  const meta = mountsDir(layers, containerId);
  if (!existsSync(join(meta, 'mount-id'))) return;
  const mountId = readFileSync(join(meta, 'mount-id'), 'utf8').trim();
  await unmountRwLayer(rwLayerPaths(layers, mountId)).catch(() => {});
  for (const id of [mountId, `${mountId}-init`]) {
    const dir = join(layers.driverRoot, id);
    try {
      rmSync(join(layers.driverRoot, 'l', readFileSync(join(dir, 'link'), 'utf8').trim()), {force: true});
    } catch {
      // no link: nothing to unlink
    }
    discardDir(dir, join(layers.driverRoot, '..', 'tmp'));
  }
  rmSync(meta, {recursive: true, force: true});
}

/** Image layers and overlay2 dirs that containers hold, so image removal and start-up repair leave them alone. */
export function containerLayerUse(layers: LayerStore, containerIds: string[]): {chains: Set<string>; mountIds: Set<string>} {
  const chains = new Set<string>();
  const mountIds = new Set<string>();
  for (const id of containerIds) {
    const meta = mountsDir(layers, id);
    try {
      mountIds.add(readFileSync(join(meta, 'mount-id'), 'utf8').trim());
      if (existsSync(join(meta, 'parent'))) {
        for (let c: string | undefined = readFileSync(join(meta, 'parent'), 'utf8').trim(); c; c = layers.get(c)?.parent) chains.add(c);
      }
    } catch {
      // a container without a layer yet
    }
  }
  return {chains, mountIds};
}
