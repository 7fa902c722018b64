/**
 * `docker import`: a root filesystem tar becomes a one-layer image; `--change` lines (CMD, ENTRYPOINT, ENV,
 * WORKDIR, USER, EXPOSE, LABEL, STOPSIGNAL...) shape its config.
 */
import type {Readable} from 'node:stream';
import {invalidArgument} from '../errors.js';
import {applyChangeLines} from '../dockerfile/metadata.js';
import type {ContainerConfig, ImageConfig} from '../model/image-config.js';
import type {ImageStore} from './image-store.js';

/** `--change` lines follow the Dockerfile's own rules, shared with the builder. */
export function applyChanges(config: ContainerConfig, changes: string[]): ContainerConfig {
  try {
    return applyChangeLines(config, changes);
  } catch (error) {
    throw invalidArgument((error as Error).message);
  }
}

export async function importImage(store: ImageStore, input: Readable, opts: {changes: string[]; message?: string; source: string}): Promise<string> {
  // As dockerd: an empty config (Env, Cmd... null) that only --change fills; the runtime supplies PATH.
  const config = applyChanges({}, opts.changes);
  const staged = await store.layers.stage(input);
  store.layers.commit(staged, undefined);
  const created = new Date().toISOString();
  const image: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    created,
    comment: opts.message || `Imported from ${opts.source}`,
    config,
    rootfs: {type: 'layers', diff_ids: [staged.diffId]},
    history: [{created, created_by: '', comment: opts.message || `Imported from ${opts.source}`}],
  };
  return store.register(Buffer.from(JSON.stringify(image)));
}
