/**
 * Every step ends as an image whose parent is the previous step's image, like the legacy builder's: that is
 * what makes `docker history` show IDs for built steps and `docker images -a` show the intermediates, and it
 * is the build cache: a step is reused when the current image already has a child made by the same step
 * (same history line, which for COPY/ADD carries the sources' content hash, and the same resulting config).
 */
import {isDeepStrictEqual} from 'node:util';
import type {ContainerConfig, HistoryEntry, ImageConfig} from '../model/image-config.js';
import type {ImageRecord, ImageStore} from '../images/image-store.js';
import {configOf, type StageState} from './state.js';

export interface StepChange {
  createdBy: string;
  config: ContainerConfig;
  /** The new layer's DiffID; undefined for a step that changed only the config. */
  diffId?: string;
  author?: string;
}

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function sameHistory(a: HistoryEntry[], b: HistoryEntry[]): boolean {
  return a.length === b.length && a.every((h, i) => (h.created_by ?? '') === (b[i]!.created_by ?? '') && Boolean(h.empty_layer) === Boolean(b[i]!.empty_layer));
}

/** The newest image that this step already produced on top of the current one, if any. */
export function findCached(images: ImageStore, state: StageState, createdBy: string, config: ContainerConfig): ImageRecord | undefined {
  const history = state.image.history ?? [];
  const diffIds = state.image.rootfs.diff_ids;
  const expected = plain(config);
  const candidates = state.imageId ? images.children(state.imageId) : images.all().filter((i) => !i.parent);
  const hits = candidates.filter((c) => {
    const h = c.config.history ?? [];
    const last = h.at(-1);
    if (h.length !== history.length + 1 || !last || last.created_by !== createdBy) return false;
    if (!sameHistory(h.slice(0, -1), history)) return false;
    const ids = c.config.rootfs.diff_ids;
    if (ids.length !== diffIds.length + (last.empty_layer ? 0 : 1) || !diffIds.every((d, i) => ids[i] === d)) return false;
    return isDeepStrictEqual(c.config.config ?? {}, expected);
  });
  hits.sort((a, b) => (Date.parse(b.config.created ?? '') || 0) - (Date.parse(a.config.created ?? '') || 0));
  return hits[0];
}

/** Registers the step's image (parent: the current one) and moves the stage onto it. */
export function commitStep(images: ImageStore, state: StageState, change: StepChange): string {
  const base = state.image;
  const created = new Date().toISOString();
  const entry: HistoryEntry = {created, created_by: change.createdBy};
  if (!change.diffId) entry.empty_layer = true;
  const author = change.author ?? base.author;
  const next: ImageConfig = {
    ...base,
    created,
    ...(author ? {author} : {}),
    config: plain(change.config),
    rootfs: {type: 'layers', diff_ids: change.diffId ? [...base.rootfs.diff_ids, change.diffId] : [...base.rootfs.diff_ids]},
    history: [...(base.history ?? []), entry],
  };
  const raw = Buffer.from(JSON.stringify(next));
  const id = images.register(raw, state.imageId);
  state.imageId = id;
  state.image = JSON.parse(raw.toString('utf8')) as ImageConfig;
  return id;
}

export function currentConfig(state: StageState): ContainerConfig {
  return plain(configOf(state));
}
