/**
 * `docker rmi` and `docker image prune` with Docker's rules: removing a tag only untags while the image has
 * other tags; an image named by ID with several tags, or used by a container, needs --force.
 */
import {conflict} from '../errors.js';
import {shortId} from './digest.js';
import type {ImageRecord, ImageStore} from './image-store.js';
import {formatReference, parseReference, withDefaultTag} from './reference.js';

export type DeleteResponseItem = {Untagged: string} | {Deleted: string};

export interface RemoveHooks {
  /** IDs of containers (any state) created from this image. */
  containersUsing(imageId: string): string[];
  emit(action: 'untag' | 'delete', imageId: string, name: string): void;
}

function namedByTag(store: ImageStore, name: string, image: ImageRecord): string | undefined {
  try {
    const ref = withDefaultTag(parseReference(name));
    const formatted = formatReference(ref);
    return store.refs.get(ref) === image.id ? formatted : undefined;
  } catch {
    return undefined;
  }
}

export function removeImage(store: ImageStore, name: string, opts: {force: boolean; prune: boolean}, hooks: RemoveHooks): DeleteResponseItem[] {
  const image = store.resolve(name);
  const tags = store.refs.refsOf(image.id);
  const tag = namedByTag(store, name, image);
  const out: DeleteResponseItem[] = [];
  const untag = (t: string) => {
    store.refs.delete(withDefaultTag(parseReference(t)));
    out.push({Untagged: t});
    hooks.emit('untag', image.id, t);
  };

  if (tag) {
    // As dockerd: once the last tag of a repository goes, that repository's digest references (a pulled image's
    // name@sha256:…) go with it; the image itself stays while any other reference is left.
    const repo = parseReference(tag).repo;
    const others = tags.filter((t) => t !== tag);
    const tagLeft = others.some((t) => !parseReference(t).digest && parseReference(t).repo === repo);
    const digests = tagLeft ? [] : others.filter((t) => parseReference(t).digest && parseReference(t).repo === repo);
    if (others.length > digests.length) {
      untag(tag);
      for (const d of digests) untag(d);
      return out;
    }
  }
  const users = hooks.containersUsing(image.id);
  if (users.length > 0 && !opts.force) {
    // The reference as the client wrote it, as in dockerd's refusal.
    const what = tag ? `remove repository reference "${name}"` : `delete ${shortId(image.id)}`;
    throw conflict(`conflict: unable to ${what} (must force) - container ${shortId(users[0])} is using its referenced image ${shortId(image.id)}`);
  }
  if (!tag && tags.length > 1 && !opts.force) {
    throw conflict(`conflict: unable to delete ${shortId(image.id)} (must be forced) - image is referenced in multiple repositories`);
  }
  if (users.length > 0) {
    // Forced while containers use it: Docker untags but keeps the image so the containers keep their root.
    for (const t of tags) untag(t);
    return out;
  }
  if (store.children(image.id).length > 0) {
    if (tags.length > 0) {
      for (const t of tags) untag(t);
      return out;
    }
    throw conflict(`conflict: unable to delete ${shortId(image.id)} (cannot be forced) - image has dependent child images`);
  }
  for (const t of tags) untag(t);
  deleteWithParents(store, image, opts.prune, hooks, out);
  return out;
}

/** Deletes the image, then (unless --no-prune) its untagged parents that nothing else needs. */
function deleteWithParents(store: ImageStore, image: ImageRecord, prune: boolean, hooks: RemoveHooks, out: DeleteResponseItem[]): void {
  let current: ImageRecord | undefined = image;
  while (current) {
    const parentId: string | undefined = current.parent;
    const removedLayers = store.remove(current.id);
    out.push({Deleted: current.id});
    hooks.emit('delete', current.id, current.id);
    for (const l of removedLayers) out.push({Deleted: l});
    if (!prune || !parentId) break;
    const parent = store.get(parentId);
    if (!parent || store.refs.refsOf(parent.id).length > 0 || store.children(parent.id).length > 0 || hooks.containersUsing(parent.id).length > 0) break;
    current = parent;
  }
}

export interface PruneResult {
  ImagesDeleted: DeleteResponseItem[] | null;
  SpaceReclaimed: number;
}

/** Dangling images (untagged, not a parent of another image); with `all`, every image no container uses. */
export function pruneImages(store: ImageStore, opts: {all: boolean; until?: number; labels: string[]}, hooks: RemoveHooks): PruneResult {
  const deleted: DeleteResponseItem[] = [];
  let reclaimed = 0;
  const labelOk = (image: ImageRecord) =>
    opts.labels.every((l) => {
      const [k, v] = l.split('=');
      const labels = image.config.config?.Labels ?? {};
      return v === undefined ? k in labels : labels[k] === v;
    });
  // Children before parents, so each round frees the next parent.
  for (let changed = true; changed; ) {
    changed = false;
    for (const image of store.all()) {
      if (!opts.all && store.refs.refsOf(image.id).length > 0) continue;
      if (store.children(image.id).length > 0 || hooks.containersUsing(image.id).length > 0) continue;
      if (opts.until !== undefined && Date.parse(image.config.created ?? '') / 1000 >= opts.until) continue;
      if (!labelOk(image)) continue;
      const layerSizes = new Map(store.layersOf(image).map((l) => [l.chainId, l.size]));
      for (const t of store.refs.refsOf(image.id)) {
        store.refs.delete(withDefaultTag(parseReference(t)));
        deleted.push({Untagged: t});
        hooks.emit('untag', image.id, t);
      }
      const removedLayers = store.remove(image.id);
      deleted.push({Deleted: image.id});
      hooks.emit('delete', image.id, image.id);
      for (const l of removedLayers) deleted.push({Deleted: l});
      reclaimed += removedLayers.reduce((sum, l) => sum + (layerSizes.get(l) ?? 0), 0);
      changed = true;
    }
  }
  return {ImagesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed};
}
