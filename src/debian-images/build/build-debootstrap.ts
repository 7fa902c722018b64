import {mkdir, mkdtemp, readdir, rename, rm, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {APT_ARCHIVES} from '../debian/apt.js';
import {pickMirror, readAptSources} from '../debian/apt-sources.js';
import {writeImageArchive} from '../image/archive.js';
import {cachePaths, type CachedImage, readCached, writeCachedMeta} from '../cache/cache.js';
import {cleanRootfs, debootstrapIndexState, installedPackages, newestPackageDate} from '../debian/clean.js';
import {debootstrapVersion, removeTree, runDebootstrap} from '../debian/debootstrap.js';
import {finishRootfs} from '../debian/finish.js';
import {BuildError} from '../support/errors.js';
import {sha256Hex, tempSibling} from '../support/hash.js';
import {buildImageConfig, rfc3339} from '../image/image-config.js';
import {processAlive as alive} from '../../common/process-alive.js';
import {withLock} from '../cache/lock.js';
import {debsCacheDir, imagesCacheDir} from '../cache/paths.js';
import {currentIndexState, type IndexState} from '../debian/release.js';
import {DEBIAN_ARCH_OF_NODE} from '../image/rootfs.js';
import {readXattrs, treeMembers, writeTreeLayer} from '../image/tree-layer.js';
import type {ArchiveFormat, BuildOptions, BuildStep, DebootstrapRecipe, LoadedRecipe} from '../recipe/types.js';

/** Bump whenever this builder would write different bytes for the same recipe and index. */
export const DEBOOTSTRAP_BUILDER_VERSION = '2';

const FORMATS: ArchiveFormat[] = ['docker', 'oci'];

type Progress = (step: BuildStep, message: string) => void;

interface Source {
  mirror: string;
  debootstrap: string;
  index: IndexState;
}

/**
 * The cache key. debootstrap resolves packages only from the suite's Packages indexes, so
 * their SHA256 (from the Release file) plus the recipe, the mirror (it ends up in the image's
 * sources.list) and debootstrap's own version decide every installed version.
 */
export function debootstrapKey(raw: Buffer, source: Source, architecture: string): string {
  const lines = [`lab debootstrap image builder ${DEBOOTSTRAP_BUILDER_VERSION}`, source.debootstrap, `mirror ${source.mirror}`, `architecture ${architecture}`, ...source.index.packages];
  return sha256Hex(Buffer.concat([Buffer.from(`${lines.join('\n')}\n`), raw]));
}

/** The command line the history entry records; the mirror is left out as it is not part of the content. */
function commandLine(recipe: DebootstrapRecipe): string {
  const spec = recipe.debootstrap;
  const include = spec.include?.length ? ` --include=${spec.include.join(',')}` : '';
  return `debootstrap --variant=${spec.variant ?? 'minbase'} --components=${(spec.components ?? ['main']).join(',')}${include} ${spec.suite}`;
}

export async function debootstrapImage(
  loaded: LoadedRecipe & {recipe: DebootstrapRecipe},
  format: ArchiveFormat,
  cacheDir: string,
  opts: BuildOptions,
  progress: Progress,
): Promise<{archive: string; meta: CachedImage; cached: boolean}> {
  const {recipe} = loaded;
  const spec = recipe.debootstrap;
  const architecture = recipe.image.architecture;
  const components = spec.components ?? ['main'];

  const mirror = pickMirror(await readAptSources(), spec.suite, components, architecture);
  progress('resolve', `mirror ${mirror.uri} (${mirror.origin})`);
  const index = await currentIndexState(mirror.uri, spec.suite, components, architecture);
  progress('resolve', `${spec.suite} ${components.join(',')} index of ${index.date} (${index.from === 'mirror' ? 'from the mirror' : "apt's copy; the mirror did not answer"})`);
  const source: Source = {mirror: mirror.uri, debootstrap: await debootstrapVersion(), index};
  const key = debootstrapKey(loaded.raw, source, architecture);
  const imagesDir = imagesCacheDir(cacheDir);
  const paths = cachePaths(imagesDir, recipe.name, key, format);

  const hit = await readCached(paths, key);
  if (hit) return {archive: paths.archive, meta: hit, cached: true};

  return withLock(
    `${paths.archive.replace(/-(docker|oci)\.tar$/, '')}.lock`,
    () => progress('debootstrap', 'waiting for another build of the same image to finish'),
    async () => {
      const done = await readCached(paths, key);
      if (done) return {archive: paths.archive, meta: done, cached: true};
      const built = await buildFresh(loaded, source, key, cacheDir, opts, progress);
      const mine = built.get(format)!;
      return {archive: mine.archive, meta: mine.meta, cached: false};
    },
  );
}

/** Removes the trees of builds whose process was killed (they are named <recipe>-<pid>-XXXXXX). */
async function sweepStaleWork(workRoot: string): Promise<void> {
  for (const name of await readdir(workRoot).catch(() => [] as string[])) {
    const pid = Number(/-(\d+)-[^-]{6}$/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) await removeTree(join(workRoot, name)).catch(() => undefined);
  }
}

const PER_PACKAGE = /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) [a-z0-9][a-z0-9+.:-]*( \S+)?(\.\.\.)?$/;

/** debootstrap's output without its one line per package: only the first of each run is shown. */
function phaseFilter(progress: Progress): (line: string) => void {
  const shown = new Set<string>();
  return (line) => {
    const perPackage = PER_PACKAGE.exec(line)?.[1];
    if (perPackage === undefined) shown.clear();
    else if (shown.has(perPackage)) return;
    else shown.add(perPackage);
    progress('debootstrap', `${line.replace(/^I: /, '')}${perPackage ? ' …' : ''}`);
  };
}

/** Runs debootstrap, cleans and packs the tree, and writes the archive in every format (the costly part is shared). */
async function buildFresh(
  loaded: LoadedRecipe & {recipe: DebootstrapRecipe},
  source: Source,
  key: string,
  cacheDir: string,
  opts: BuildOptions,
  progress: Progress,
): Promise<Map<ArchiveFormat, {archive: string; meta: CachedImage}>> {
  const {recipe} = loaded;
  const spec = recipe.debootstrap;
  const architecture = recipe.image.architecture;
  const host = DEBIAN_ARCH_OF_NODE[process.arch] ?? process.arch;
  if (host !== architecture) throw new BuildError(`debootstrap runs the packages' maintainer scripts, and this ${host} host cannot run ${architecture} binaries`);
  const components = spec.components ?? ['main'];

  const imagesDir = imagesCacheDir(cacheDir);
  // Inside the cache, not /tmp: a tmpfs /tmp may be nodev, and debootstrap creates device nodes.
  const workRoot = join(cacheDir, 'work');
  await mkdir(workRoot, {recursive: true});
  await sweepStaleWork(workRoot);
  const work = await mkdtemp(join(workRoot, `${recipe.name}-${process.pid}-`));
  const target = join(work, 'rootfs');
  const partials: string[] = [];
  try {
    progress('debootstrap', `${commandLine(recipe)} ${source.mirror}`);
    const started = performance.now();
    await runDebootstrap({
      suite: spec.suite,
      target,
      mirror: source.mirror,
      architecture,
      variant: spec.variant ?? 'minbase',
      components,
      include: spec.include ?? [],
      debCache: join(debsCacheDir(cacheDir), 'debootstrap'),
      seedDirs: opts.debSearchDirs ?? [APT_ARCHIVES],
      onLine: phaseFilter(progress),
    });
    progress('debootstrap', `finished in ${((performance.now() - started) / 1000).toFixed(1)}s`);

    // Key the result by the index debootstrap actually used; it only differs if the mirror changed meanwhile.
    const used: Source = {...source, index: await debootstrapIndexState(target, spec.suite, components, architecture)};
    const usedKey = debootstrapKey(loaded.raw, used, architecture);
    // The next lookup reads the mirror again and so finds it under the new key.
    if (usedKey !== key) progress('debootstrap', `the mirror's index changed during the build; caching under the index of ${used.index.date}`);

    const packages = await installedPackages(target);
    const epoch = spec.sourceDateEpoch ?? (await newestPackageDate(target, packages));
    if (epoch === 0) throw new BuildError('no changelog dates found in /usr/share/doc; set $.debootstrap.sourceDateEpoch');
    progress('clean', `${packages.length} packages installed; cleaning, every timestamp ${rfc3339(epoch)}`);
    await cleanRootfs(target, epoch, spec.files ?? []);
    await finishRootfs(target, spec);

    const xattrs = await readXattrs(target);
    const members = await treeMembers(target, epoch, xattrs);
    progress('rootfs', `${members.length} entries${xattrs.size ? `, file capabilities on ${[...xattrs.keys()].map((p) => `/${p}`).join(', ')}` : ''}`);

    const layerFile = join(work, 'layer.tar');
    const layer = await writeTreeLayer(members, layerFile);
    progress('layer', `${layer.diffId} (${layer.size} bytes, mtime ${rfc3339(epoch)})`);

    const config = buildImageConfig(recipe, [layer.diffId], epoch, packages, {
      createdBy: commandLine(recipe),
      comment: `${packages.length} Debian packages, cleaned and packed by lab image build ${recipe.name}`,
    });
    await mkdir(imagesDir, {recursive: true});
    const result = new Map<ArchiveFormat, {archive: string; meta: CachedImage}>();
    for (const format of FORMATS) {
      const paths = cachePaths(imagesDir, recipe.name, usedKey, format);
      const partial = tempSibling(paths.archive);
      partials.push(partial);
      progress('archive', `${format} format, ${recipe.image.tags.join(', ')} → ${paths.archive}`);
      await writeImageArchive(partial, format, {config, layer: {file: layerFile, diffId: layer.diffId, size: layer.size}, repoTags: recipe.image.tags, mtimeSeconds: epoch});
      const size = (await stat(partial)).size;
      await rename(partial, paths.archive);
      const meta: CachedImage = {
        imageId: config.imageId,
        diffIds: [layer.diffId],
        repoTags: recipe.image.tags,
        format,
        size,
        recipeHash: usedKey,
        packages: packages.map(({name, version, architecture, sha256}) => ({name, version, architecture, sha256})),
        source: {mirror: used.mirror, suite: spec.suite, release: used.index.date, indexes: used.index.packages, debootstrap: used.debootstrap},
      };
      await writeCachedMeta(paths, meta);
      result.set(format, {archive: paths.archive, meta});
    }
    return result;
  } finally {
    for (const partial of partials) await rm(partial, {force: true});
    // Killed before this point, the tree is swept by the next build (its name holds our pid).
    await removeTree(work, {background: true});
  }
}
