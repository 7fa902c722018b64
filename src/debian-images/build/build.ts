import {copyFile, mkdir, mkdtemp, rename, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {APT_ARCHIVES, fetchDeb, resolvePackages} from '../debian/apt.js';
import {writeImageArchive} from '../image/archive.js';
import {cachePaths, type CachedImage, readCached, recipeHash, writeCachedMeta} from '../cache/cache.js';
import {extractDeb, packageDate} from '../debian/deb.js';
import {BuildError} from '../support/errors.js';
import {tempSibling} from '../support/hash.js';
import {buildImageConfig, rfc3339} from '../image/image-config.js';
import {writeLayer} from '../image/layer.js';
import {loadRecipeByName} from '../recipe/load.js';
import {debsCacheDir, defaultCacheDir, imagesCacheDir} from '../cache/paths.js';
import {assembleRootfs} from '../image/rootfs.js';
import {debootstrapImage} from './build-debootstrap.js';
import {compileInputs, compilePrograms, hostToolchain, type Toolchain} from './compile.js';
import type {ArchiveFormat, BuildOptions, BuildProgress, BuildResult, BuildStep, LoadedRecipe, PackagesRecipe} from '../recipe/types.js';
import type {ResolvedPackage} from '../debian/apt.js';

/**
 * Builds (or takes from the cache) the docker-archive tarball of vm-images/<name>/recipe.json.
 * The same recipe and package versions always give the same bytes, layer digest and image ID.
 */
export async function buildImageArchive(name: string, opts: BuildOptions): Promise<BuildResult> {
  const format = opts.format;
  if (format !== 'docker' && format !== 'oci') throw new BuildError(`unknown archive format ${JSON.stringify(format)} (docker or oci)`);
  const progress = (step: BuildStep, message: string) => opts.onProgress?.({step, message} satisfies BuildProgress);

  const loaded = await loadRecipeByName(name, opts.recipesDir);
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const {recipe} = loaded;
  const {archive, meta, cached} =
    recipe.kind === 'debootstrap'
      ? await debootstrapImage({...loaded, recipe}, format, cacheDir, opts, progress)
      : await packagesImage({...loaded, recipe}, format, cacheDir, opts, progress);
  if (cached) progress('cached', `up to date: ${archive}`);

  let path = archive;
  if (opts.out && resolve(opts.out) !== archive) {
    path = resolve(opts.out);
    await copyFile(archive, path);
  }
  progress('done', `${path} ${meta.imageId}`);
  return {path, imageId: meta.imageId, diffIds: meta.diffIds, repoTags: meta.repoTags, format, cached};
}

/** A recipe of kind "packages": exact .debs resolved with apt, unpacked and laid out file by file. */
async function packagesImage(
  loaded: LoadedRecipe & {recipe: PackagesRecipe},
  format: ArchiveFormat,
  cacheDir: string,
  opts: BuildOptions,
  progress: (step: BuildStep, message: string) => void,
): Promise<{archive: string; meta: CachedImage; cached: boolean}> {
  const {recipe} = loaded;
  const debsDir = debsCacheDir(cacheDir);
  const imagesDir = imagesCacheDir(cacheDir);

  const packages = await resolvePackages(recipe.packages, recipe.image.architecture, debsDir);
  for (const p of packages) progress('resolve', `${p.name} ${p.version} (${p.architecture})`);
  const compile = recipe.rootfs.compile ?? [];
  const toolchain = compile.length > 0 ? await hostToolchain() : undefined;
  if (toolchain) progress('resolve', `compiling with ${toolchain.packages}`);
  const hash = recipeHash(loaded.raw, packages, toolchain ? await compileInputs(loaded.dir, compile, toolchain) : '');
  const paths = cachePaths(imagesDir, recipe.name, hash, format);

  const hit = await readCached(paths, hash);
  if (hit) return {archive: paths.archive, meta: hit, cached: true};
  await mkdir(imagesDir, {recursive: true});
  const meta = await buildFresh(loaded, packages, toolchain, hash, format, {debsDir, searchDirs: opts.debSearchDirs ?? [APT_ARCHIVES]}, paths, progress);
  return {archive: paths.archive, meta, cached: false};
}

async function buildFresh(
  loaded: LoadedRecipe & {recipe: PackagesRecipe},
  packages: ResolvedPackage[],
  toolchain: Toolchain | undefined,
  hash: string,
  format: BuildOptions['format'],
  debs: {debsDir: string; searchDirs: string[]},
  paths: {archive: string; meta: string},
  progress: (step: BuildStep, message: string) => void,
): Promise<CachedImage> {
  const {recipe} = loaded;
  const work = await mkdtemp(join(tmpdir(), `lab-image-${recipe.name}-`));
  const partial = tempSibling(paths.archive);
  try {
    const unpacked = new Map<string, string>();
    let mtime = 0;
    for (const pkg of packages) {
      const deb = await fetchDeb(pkg, debs.debsDir, () => progress('download', `apt-get download ${pkg.name}=${pkg.version}`), debs.searchDirs);
      if (!deb.downloaded) progress('download', `reusing ${deb.path}`);
      progress('extract', `dpkg -x ${pkg.filename}`);
      const dir = join(work, 'pkg', pkg.name);
      await mkdir(dir, {recursive: true});
      await extractDeb(deb.path, dir);
      unpacked.set(pkg.name, dir);
      // Every timestamp is the newest package date, so nothing depends on when we build.
      mtime = Math.max(mtime, await packageDate(dir, pkg));
    }

    if (toolchain) {
      progress('rootfs', `gcc -static ${recipe.rootfs.compile!.map((c) => c.source).join(' ')}`);
      // The compiled program is as new as the toolchain that made it.
      for (const name of ['gcc', 'libc6-dev']) mtime = Math.max(mtime, await packageDate('/', {name, version: '', architecture: recipe.image.architecture, filename: '', sha256: '', size: 0}));
    }
    const compiled = toolchain ? await compilePrograms(loaded.dir, recipe.rootfs.compile!, work) : new Map<string, string>();
    const rootfs = await assembleRootfs(recipe, unpacked, compiled);
    progress('rootfs', `${rootfs.size} entries`);

    const layerFile = join(work, 'layer.tar');
    const layer = await writeLayer(rootfs, mtime, layerFile);
    progress('layer', `${layer.diffId} (${layer.size} bytes, mtime ${rfc3339(mtime)})`);

    const config = buildImageConfig(recipe, [layer.diffId], mtime, packages, undefined, toolchain ? {'lab.toolchain': toolchain.packages} : {});
    progress('archive', `${format} format, ${recipe.image.tags.join(', ')} → ${paths.archive}`);
    await writeImageArchive(partial, format, {config, layer: {file: layerFile, ...layer}, repoTags: recipe.image.tags, mtimeSeconds: mtime});
    const size = (await stat(partial)).size;
    await rename(partial, paths.archive);

    const meta: CachedImage = {
      imageId: config.imageId,
      diffIds: [layer.diffId],
      repoTags: recipe.image.tags,
      format,
      size,
      recipeHash: hash,
      packages: packages.map(({name, version, architecture, sha256}) => ({name, version, architecture, sha256})),
    };
    await writeCachedMeta(paths, meta);
    return meta;
  } finally {
    await rm(partial, {force: true});
    await rm(work, {recursive: true, force: true});
  }
}
