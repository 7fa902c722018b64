/** What the API shows of an image: `docker images` summaries, `image inspect`, and `history`. */
import {join} from 'node:path';
import type {HistoryEntry} from '../model/image-config.js';
import type {ImageRecord, ImageStore} from './image-store.js';
import {goContainerConfig} from './config-shape.js';

/** A config as dockerd shows it: every field of Go's container.Config, null when the image has none. */
const shown = (config: unknown) => (config === undefined || config === null ? null : goContainerConfig(config, 'image config'));

const unixSeconds = (iso?: string) => (iso ? Math.floor(Date.parse(iso) / 1000) || 0 : 0);

export function summary(store: ImageStore, image: ImageRecord, apiVersion: string) {
  const size = store.size(image);
  const tags = store.refs.refsOf(image.id).filter((r) => !r.includes('@'));
  const digests = store.refs.refsOf(image.id).filter((r) => r.includes('@'));
  const out: Record<string, unknown> = {
    Containers: -1,
    Created: unixSeconds(image.config.created),
    Id: image.id,
    Labels: image.config.config?.Labels ?? {},
    ParentId: image.parent ?? '',
    RepoDigests: digests,
    RepoTags: tags,
    SharedSize: -1,
    Size: size,
  };
  if (apiVersion < '1.44') out.VirtualSize = size;
  return out;
}

/** Ids of untagged images that are parents of other images: hidden from `docker images` without -a. */
export function intermediateIds(store: ImageStore): Set<string> {
  const parents = new Set(store.all().map((i) => i.parent).filter((p): p is string => Boolean(p)));
  return new Set([...parents].filter((id) => store.refs.refsOf(id).length === 0));
}

export function inspect(store: ImageStore, image: ImageRecord, apiVersion: string) {
  const layers = store.layersOf(image);
  const dirs = layers.map((l) => store.layers.diffDir(l)).reverse();
  const driverData: Record<string, string> = {};
  if (dirs.length > 0) {
    // The top layer's dir is what an image mount would use as upper; its parents are the lowers, as dockerd shows.
    const top = join(store.layers.driverRoot, layers.at(-1)!.cacheId);
    driverData.UpperDir = dirs[0];
    driverData.WorkDir = join(top, 'work');
    driverData.MergedDir = join(top, 'merged');
    if (dirs.length > 1) driverData.LowerDir = dirs.slice(1).join(':');
  }
  const c = image.config;
  const out: Record<string, unknown> = {
    Id: image.id,
    RepoTags: store.refs.refsOf(image.id).filter((r) => !r.includes('@')),
    RepoDigests: store.refs.refsOf(image.id).filter((r) => r.includes('@')),
    Parent: image.parent ?? '',
    // An image without a comment of its own shows its last history entry's, as dockerd does.
    Comment: c.comment || (c.history?.at(-1)?.comment ?? ''),
    Created: c.created ?? '0001-01-01T00:00:00Z',
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: shown(c.config),
    Architecture: c.architecture ?? '',
    Os: c.os ?? '',
    Size: store.size(image),
    GraphDriver: {Name: 'overlay2', Data: dirs.length > 0 ? driverData : null},
    RootFS: {Type: 'layers', Layers: c.rootfs.diff_ids},
    Metadata: {LastTagTime: image.lastTagTime ?? '0001-01-01T00:00:00Z'},
  };
  if (c.variant) out.Variant = c.variant;
  if (apiVersion < '1.44') {
    out.Container = c.container ?? '';
    // A struct in dockerd's image type, not a pointer: all zero values when the image has none.
    out.ContainerConfig = shown(c.container_config ?? {});
    out.VirtualSize = out.Size;
  }
  return out;
}

/** One entry per history record, newest first; records that made a layer carry that layer's size. */
export function history(store: ImageStore, image: ImageRecord) {
  const layers = store.layersOf(image);
  const records: HistoryEntry[] = image.config.history ?? layers.map(() => ({}));
  let layerIndex = 0;
  const rows = records.map((h) => {
    const size = h.empty_layer ? 0 : (layers[layerIndex++]?.size ?? 0);
    return {Id: '<missing>', Created: unixSeconds(h.created), CreatedBy: h.created_by ?? '', Tags: null as string[] | null, Size: size, Comment: h.comment ?? ''};
  });
  // An image with N history records is the N-th row; its parent images name the earlier rows they end.
  for (let current: ImageRecord | undefined = image; current; current = current.parent ? store.get(current.parent) : undefined) {
    const row = rows[(current.config.history?.length ?? layers.length) - 1];
    if (!row) break;
    row.Id = current.id;
    const tags = store.refs.refsOf(current.id).filter((r) => !r.includes('@'));
    row.Tags = tags.length > 0 ? tags : null;
  }
  return rows.reverse();
}
