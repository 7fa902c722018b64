import {readFile, rename, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {sha256Hex, tempSibling} from '../support/hash.js';
import type {ResolvedPackage} from '../debian/apt.js';
import type {ArchiveFormat} from '../recipe/types.js';

/** Bump whenever the builder would write different bytes for the same recipe and packages. */
export const BUILDER_VERSION = '2';

export interface CachedImage {
  imageId: string;
  diffIds: string[];
  repoTags: string[];
  format: ArchiveFormat;
  size: number;
  recipeHash: string;
  packages: {name: string; version: string; architecture: string; sha256: string}[];
  /** debootstrap recipes: where the packages came from (the Release date and Packages index hashes). */
  source?: {mirror: string; suite: string; release: string; indexes: string[]; debootstrap: string};
}

/** Everything that decides the output: recipe bytes, exact .debs, builder version (and compiled sources with their toolchain). */
export function recipeHash(recipeBytes: Buffer, packages: ResolvedPackage[], compiled = ''): string {
  const pkgLines = packages.map((p) => `${p.name} ${p.architecture} ${p.version} ${p.sha256}`).join('\n');
  return sha256Hex(Buffer.concat([Buffer.from(`lab image builder ${BUILDER_VERSION}\n`), recipeBytes, Buffer.from(`\n${pkgLines}\n${compiled}`)]));
}

export function cachePaths(imagesDir: string, name: string, hash: string, format: ArchiveFormat): {archive: string; meta: string} {
  const base = join(imagesDir, `${name}-${hash.slice(0, 16)}-${format}`);
  return {archive: `${base}.tar`, meta: `${base}.json`};
}

/** The cached build, if both files are there and the archive is complete. */
export async function readCached(paths: {archive: string; meta: string}, hash: string): Promise<CachedImage | undefined> {
  try {
    const meta = JSON.parse(await readFile(paths.meta, 'utf8')) as CachedImage;
    if (meta.recipeHash !== hash) return undefined;
    const s = await stat(paths.archive);
    return s.size === meta.size ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the metadata next to an archive already in place; readers only trust an archive with it. */
export async function writeCachedMeta(paths: {meta: string}, meta: CachedImage): Promise<void> {
  const tmp = tempSibling(paths.meta);
  await writeFile(tmp, `${JSON.stringify(meta, null, 2)}\n`);
  await rename(tmp, paths.meta);
}
