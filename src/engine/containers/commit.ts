/**
 * `docker commit`: the container's upper dir becomes a new layer on top of its image's layers, and its
 * config (with `--change` applied by the CLI) the new image's config.
 */
import type {ImageStore} from '../images/image-store.js';
import {exportDirectoryDiff} from '../layers/index.js';
import {chainIds} from '../images/digest.js';
import {applyChanges} from '../images/import.js';
import type {ImageConfig, ContainerConfig} from '../model/image-config.js';
import type {ContainerRecord} from '../model/container.js';
import {rwLayerPaths} from './rw-layer.js';

export interface CommitOptions {
  author?: string;
  comment?: string;
  config?: ContainerConfig;
  /** `--change` lines (Dockerfile instructions such as CMD or ENV) applied to the new config. */
  changes?: string[];
}

export async function commitContainer(images: ImageStore, c: ContainerRecord, opts: CommitOptions): Promise<string> {
  const image = images.resolve(c.Image);
  const rw = rwLayerPaths(images.layers, c.MountID);
  const staged = await images.layers.stage(exportDirectoryDiff(rw.upper));
  const parentChain = chainIds(image.config.rootfs.diff_ids).at(-1);
  images.layers.commit(staged, parentChain);
  const base = image.config;
  const {Hostname: _h, Domainname: _d, AttachStdin: _ai, AttachStdout: _ao, AttachStderr: _ae, Image: _i, ...runConfig} = c.Config as Record<string, unknown>;
  const config: ImageConfig = {
    architecture: base.architecture ?? 'amd64',
    os: base.os ?? 'linux',
    created: new Date().toISOString(),
    ...(opts.author ? {author: opts.author} : {}),
    ...(opts.comment ? {comment: opts.comment} : {}),
    config: applyChanges({...(runConfig as ContainerConfig), ...opts.config}, opts.changes ?? []),
    container: c.ID,
    // The container's own config as it ran, which dockerd records beside the image's (inspect's ContainerConfig).
    container_config: c.Config as ContainerConfig,
    rootfs: {type: 'layers', diff_ids: [...base.rootfs.diff_ids, staged.diffId]},
    history: [
      ...(base.history ?? []),
      {created: new Date().toISOString(), created_by: [c.Path, ...c.Args].join(' '), ...(opts.author ? {author: opts.author} : {}), ...(opts.comment ? {comment: opts.comment} : {})},
    ],
  };
  return images.register(Buffer.from(JSON.stringify(config)), image.id);
}
