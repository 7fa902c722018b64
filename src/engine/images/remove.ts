/**
 * `docker rmi` and `docker image prune` with Docker's rules: removing a tag only untags while the image has
 * other tags; an image named by ID with several tags, or used by a stopped container, needs --force; a forced
 * removal of the last tag deletes an image only stopped containers use (they keep its layers); child images
 * and running containers keep an image whatever the force.
 */
import {conflict} from '../errors.js';
import {shortId} from './digest.js';
import type {ImageRecord, ImageStore} from './image-store.js';
import {formatReference, parseReference, withDefaultTag} from './reference.js';

export type DeleteResponseItem = {Untagged: string} | {Deleted: string};

export interface RemoveHooks {
  /** IDs of containers (any state) created from this image. */
  containersUsing(imageId: string): string[];
  /** Whether a container is running (a running user is a conflict no --force overrides). */
  isRunning(containerId: string): boolean;
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

/** Tags all in one repository, at most one of them a tag (the rest digests): an ID then names "the" image. */
function singleRepository(tags: string[]): boolean {
  const repos = new Set(tags.map((t) => t.replace(/[:@][^:/@]*$/, '')));
  return repos.size <= 1 && tags.filter((t) => !t.includes('@')).length <= 1;
}

/**
 * What stops a delete, as dockerd checks it: child images and running users always ("cannot be forced"); tags
 * and stopped users unless forced ("must be forced").
 */
function deleteConflict(store: ImageStore, image: ImageRecord, hooks: RemoveHooks, soft: {tags: boolean; stopped: boolean}) {
  const users = hooks.containersUsing(image.id);
  const running = users.find((id) => hooks.isRunning(id));
  const stopped = users.find((id) => !hooks.isRunning(id));
  const hard = (why: string) => ({used: false, error: conflict(`conflict: unable to delete ${shortId(image.id)} (cannot be forced) - ${why}`)});
  const must = (why: string, used: boolean) => ({used, error: conflict(`conflict: unable to delete ${shortId(image.id)} (must be forced) - ${why}`)});
  if (store.children(image.id).length > 0) return hard('image has dependent child images');
  if (running) return {...hard(`image is being used by running container ${shortId(running)}`), used: true};
  if (soft.tags && store.refs.refsOf(image.id).length > 0) return must('image is referenced in multiple repositories', false);
  if (soft.stopped && stopped) return must(`image is being used by stopped container ${shortId(stopped)}`, true);
  return undefined;
}

export function removeImage(store: ImageStore, name: string, opts: {force: boolean; prune: boolean}, hooks: RemoveHooks): DeleteResponseItem[] {
  const image = store.resolve(name);
  const tag = namedByTag(store, name, image);
  const out: DeleteResponseItem[] = [];
  const untag = (t: string) => {
    store.refs.delete(withDefaultTag(parseReference(t)));
    out.push({Untagged: t});
    hooks.emit('untag', image.id, t);
  };

  if (tag) {
    const users = hooks.containersUsing(image.id);
    if (!opts.force && singleRepository(store.refs.refsOf(image.id)) && users.length > 0) {
      // Untagging would leave a container's image dangling: dockerd wants that forced.
      throw conflict(`conflict: unable to remove repository reference "${name}" (must force) - container ${shortId(users[0]!)} is using its referenced image ${shortId(image.id)}`);
    }
    untag(tag);
    // As dockerd: once the last tag of a repository goes, that repository's digest references (a pulled image's
    // name@sha256:…) go with it; the image itself stays while any other reference is left.
    const repo = parseReference(tag).repo;
    const left = store.refs.refsOf(image.id);
    if (!left.some((t) => !parseReference(t).digest && parseReference(t).repo === repo)) {
      for (const d of left.filter((t) => parseReference(t).digest && parseReference(t).repo === repo)) untag(d);
    }
    if (store.refs.refsOf(image.id).length > 0) return out;
    // The last tag is gone: the image goes too, unless something still needs it (then it stays, quietly,
    // untagged — a child image or a running container keeps it; a stopped one does not when forced).
    const blocked = deleteConflict(store, image, hooks, {tags: false, stopped: !opts.force});
    if (blocked) {
      if (store.children(image.id).length > 0 || blocked.used) return out;
      throw blocked.error;
    }
  } else {
    const tags = store.refs.refsOf(image.id);
    if (singleRepository(tags)) {
      const blocked = deleteConflict(store, image, hooks, {tags: false, stopped: !opts.force});
      if (blocked) throw blocked.error;
      for (const t of tags) untag(t);
    }
    const blocked = deleteConflict(store, image, hooks, {tags: !opts.force, stopped: !opts.force});
    if (blocked) throw blocked.error;
    for (const t of store.refs.refsOf(image.id)) untag(t);
  }
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
