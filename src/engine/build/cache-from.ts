/**
 * `docker build --cache-from IMAGE`, as dockerd's classic builder reads it: only the named images count as cache.
 * A step built before is reused when its image is one of theirs or an ancestor; otherwise a named image whose
 * history and layers start as the stage's and whose next history line is this step stands in for it — an image
 * made there for the step (the layers it already has, the step's config), so a pulled or loaded image with no
 * intermediate images saves its rebuild. Once an image matched, the build follows that one image only.
 */
import type {ContainerConfig, ImageConfig} from '../model/image-config.js';
import type {ImageRecord, ImageStore} from '../images/image-store.js';
import {findCached} from './commit.js';
import type {StageState} from './state.js';

export interface CacheSources {
  images: ImageRecord[];
}

function isAncestorOrSelf(images: ImageStore, ancestor: string, of: ImageRecord): boolean {
  for (let at: ImageRecord | undefined = of, hops = 0; at && hops < 1000; at = at.parent ? images.get(at.parent) : undefined, hops++) {
    if (at.id === ancestor) return true;
  }
  return false;
}

/** The source's layers start with the stage's, and its history with the stage's history. */
function continues(target: ImageConfig, stage: ImageConfig): boolean {
  const mine = stage.history ?? [];
  const theirs = target.history ?? [];
  if (theirs.length <= mine.length) return false;
  if (!mine.every((h, i) => (h.created_by ?? '') === (theirs[i]!.created_by ?? '') && Boolean(h.empty_layer) === Boolean(theirs[i]!.empty_layer))) return false;
  const ids = stage.rootfs.diff_ids;
  return ids.every((d, i) => target.rootfs.diff_ids[i] === d);
}

export function cachedFromSources(images: ImageStore, state: StageState, createdBy: string, config: ContainerConfig, sources: CacheSources): ImageRecord | undefined {
  const local = findCached(images, state, createdBy, config);
  if (local && sources.images.some((s) => isAncestorOrSelf(images, local.id, s))) return local;
  const at = (state.image.history ?? []).length;
  for (const target of sources.images) {
    const history = target.config.history ?? [];
    if (!continues(target.config, state.image) || history[at]!.created_by !== createdBy) continue;
    sources.images = [target];
    if (history.length === at + 1) return target;
    // The step's image: the source's layers up to this line, its history to this line, the step's config.
    const layers = history.slice(0, at + 1).filter((h) => !h.empty_layer).length;
    const restored: ImageConfig = {
      ...state.image,
      created: history[at]!.created ?? state.image.created,
      config: JSON.parse(JSON.stringify(config)) as ContainerConfig,
      rootfs: {type: 'layers', diff_ids: target.config.rootfs.diff_ids.slice(0, layers)},
      history: history.slice(0, at + 1),
    };
    const id = images.register(Buffer.from(JSON.stringify(restored)), state.imageId);
    return images.get(id);
  }
  return undefined;
}
