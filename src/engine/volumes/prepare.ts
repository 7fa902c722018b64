/**
 * Just before a container starts, with its root mounted: bind sources that `-v` names but that do not exist
 * become directories (Docker's behaviour), and an empty volume receives the image's files at its mount
 * path, owner and mode included, so `-v data:/etc` starts with the image's /etc rather than nothing; a volume
 * made with mount options is mounted first.
 */
import {execFile} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, statSync} from 'node:fs';
import {promisify} from 'node:util';
import type {ContainerRecord} from '../model/container.js';
import {resolveInRoot} from '../util/rootfs-path.js';
import {mountPointsOf} from './container-volumes.js';
import {mountVolumeData} from './volume-mount.js';

const run = promisify(execFile);

export class MountSourceError extends Error {
  override name = 'MountSourceError';
}

async function copyImageContent(rootfs: string, destination: string, data: string): Promise<void> {
  const from = resolveInRoot(rootfs, destination);
  if (!statSync(from, {throwIfNoEntry: false})?.isDirectory()) return;
  await run('cp', ['-a', '--', `${from}/.`, `${data}/`]);
}

export async function prepareMounts(c: ContainerRecord, rootfs: string): Promise<void> {
  for (const m of mountPointsOf(c)) {
    if (m.Type === 'bind' && !existsSync(m.Source)) {
      if (!m.CreateSource) throw new MountSourceError(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
      mkdirSync(m.Source, {recursive: true, mode: 0o755});
    }
    if (m.Type !== 'volume') continue;
    // A volume removed by hand under the data-root comes back empty rather than failing the start.
    mkdirSync(m.Source, {recursive: true, mode: 0o755});
    try {
      mountVolumeData(m.Source);
    } catch (error) {
      throw new MountSourceError((error as Error).message);
    }
    if (m.CopyData && readdirSync(m.Source).length === 0) await copyImageContent(rootfs, m.Destination, m.Source);
  }
}
