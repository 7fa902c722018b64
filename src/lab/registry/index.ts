/**
 * The course registry: Debian's docker-registry serving the images the lectures name (built from Debian packages
 * by the recipes in vm-images/), configured as the engine's mirror, so `docker pull postgres` works offline.
 *   config.ts            the registry's config file
 *   registry-process.ts  start, find again, stop
 *   push.ts              images in with skopeo
 *   daemon-json.ts       registry-mirrors and insecure-registries in the engine's daemon.json
 */
import {addMirror} from './daemon-json.js';
import {pushArchive} from './push.js';
import {type RegistryState, startRegistry} from './registry-process.js';

export {addMirror} from './daemon-json.js';
export {registryReference} from './push.js';
export {defaultRegistryDir, registryAnswers, registryStatus, removeRegistryDir, startRegistry, stopRegistry, type RegistryState} from './registry-process.js';

export interface CourseRegistryOptions {
  /** Where config, storage and state live; default ${XDG_STATE_HOME:-~/.local/state}/lab/registry. */
  dir?: string;
  port?: number;
  /** Recipe names to serve; default every recipe (the package's and the course's). */
  images?: string[];
  /** The engine's daemon.json to point at the registry, if any. */
  daemonJson?: string;
  /** Build cache root (tests share one). */
  cacheDir?: string;
  progress?: (message: string) => void;
}

export interface CourseRegistry extends RegistryState {
  /** Every reference the registry now serves for the images asked for. */
  references: string[];
  /** Pushed by this call (the others were up to date). */
  pushed: string[];
  daemonJsonChanged: boolean;
}

/** Starts the registry, builds (cached) and pushes the images, and makes it the engine's mirror. */
export async function ensureCourseRegistry(opts: CourseRegistryOptions = {}): Promise<CourseRegistry> {
  const progress = opts.progress ?? (() => undefined);
  const {buildImageArchive, listRecipes} = await import('../../debian-images/index.js');
  const state = await startRegistry({dir: opts.dir, port: opts.port});
  progress(`course registry: ${state.url} (storage in ${state.dir})`);
  const host = new URL(state.url).host;
  const references: string[] = [];
  const pushed: string[] = [];
  for (const name of opts.images ?? (await listRecipes())) {
    progress(`course registry: image ${name} (built from Debian packages, cached after the first time)`);
    const built = await buildImageArchive(name, {format: 'docker', cacheDir: opts.cacheDir});
    pushed.push(...(await pushArchive(host, built.path, built.imageId, built.repoTags, progress)));
    references.push(...built.repoTags);
  }
  const daemonJsonChanged = opts.daemonJson ? await addMirror(opts.daemonJson, state.url) : false;
  if (daemonJsonChanged) progress(`course registry: ${opts.daemonJson} names it in registry-mirrors`);
  return {...state, references, pushed, daemonJsonChanged};
}
