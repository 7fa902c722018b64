/**
 * The VM's Debian root: debootstrap --variant=minbase with the recipe's packages, from the mirror the host's apt
 * sources name for the suite, then trimmed (docs, apt caches). Cached on the Packages indexes apt last fetched,
 * which decide every version debootstrap picks.
 */
import {readFile, rm, writeFile} from 'node:fs/promises';
import {join, posix} from 'node:path';
import {APT_ARCHIVES} from '../../debian-images/debian/apt.js';
import {pickMirror, readAptSources} from '../../debian-images/debian/apt-sources.js';
import {installedPackages} from '../../debian-images/debian/clean.js';
import {debootstrapVersion, runDebootstrap} from '../../debian-images/debian/debootstrap.js';
import {sha256Hex} from '../../debian-images/support/hash.js';
import {aptListName, type IndexState, parseRelease} from '../../debian-images/debian/release.js';
import type {VmRecipe} from '../recipe.js';
import {debootstrapSummarizer, type Progress} from './progress.js';
import {ensureStage} from './stage.js';

const ROOTFS_BUILDER = 'lab vm rootfs 1';

export interface RootfsSource {
  mirror: string;
  debootstrap: string;
  index: IndexState;
}

export interface RootfsStage {
  dir: string;
  key: string;
  /** The tree itself: <dir>/root. */
  root: string;
  packages: {name: string; version: string}[];
  cached: boolean;
}

/** What apt fetched last (apt-get update) for the suite: the state debootstrap will resolve from, read offline. */
async function aptListsIndex(mirror: string, suite: string, components: string[], architecture: string): Promise<IndexState> {
  for (const name of ['InRelease', 'Release']) {
    const text = await readFile(join('/var/lib/apt/lists', aptListName(mirror, `dists/${suite}/${name}`)), 'utf8').catch(() => undefined);
    if (text !== undefined) return parseRelease(text, components, architecture, 'apt lists');
  }
  throw new Error(`apt has no Release file of ${suite} from ${mirror} in /var/lib/apt/lists (run apt-get update)`);
}

export async function rootfsSource(recipe: VmRecipe): Promise<RootfsSource> {
  const components = recipe.rootfs.components ?? ['main'];
  const mirror = pickMirror(await readAptSources(), recipe.rootfs.suite, components, recipe.architecture).uri;
  return {mirror, debootstrap: await debootstrapVersion(), index: await aptListsIndex(mirror, recipe.rootfs.suite, components, recipe.architecture)};
}

export function rootfsKey(recipe: VmRecipe, source: RootfsSource): string {
  const {suite, variant, components, include, remove} = recipe.rootfs;
  return sha256Hex(
    [ROOTFS_BUILDER, source.debootstrap, `mirror ${source.mirror}`, recipe.architecture, JSON.stringify({suite, variant, components, include, remove}), ...source.index.packages].join('\n'),
  );
}

/** A recipe path inside root; never outside it. */
export function insideRoot(root: string, path: string): string {
  const normal = posix.normalize(`/${path}`);
  if (normal === '/' || normal.split('/').includes('..')) throw new Error(`refusing to touch ${path} in the image`);
  return join(root, normal);
}

export async function ensureRootfs(recipe: VmRecipe, source: RootfsSource, cacheDir: string, debsDir: string, progress: Progress): Promise<RootfsStage> {
  const key = rootfsKey(recipe, source);
  const stage = await ensureStage(cacheDir, 'rootfs', key, async (out) => {
    const root = join(out, 'root');
    const started = performance.now();
    const summary = debootstrapSummarizer(progress);
    progress('debootstrap', `--variant=${recipe.rootfs.variant} --include=${recipe.rootfs.include.join(',')} ${recipe.rootfs.suite}`);
    await runDebootstrap({
      suite: recipe.rootfs.suite,
      target: root,
      mirror: source.mirror,
      architecture: recipe.architecture,
      variant: recipe.rootfs.variant,
      components: recipe.rootfs.components ?? ['main'],
      include: recipe.rootfs.include,
      debCache: join(debsDir, 'debootstrap'),
      seedDirs: [APT_ARCHIVES],
      onLine: summary.line,
    });
    summary.end();
    const packages = (await installedPackages(root)).map(({name, version}) => ({name, version}));
    progress('debootstrap', `${packages.length} packages in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    for (const path of recipe.rootfs.remove ?? []) await rm(insideRoot(root, path), {recursive: true, force: true});
    await writeFile(join(out, 'packages.json'), `${JSON.stringify(packages, null, 1)}\n`);
  });
  const packages = JSON.parse(await readFile(join(stage.dir, 'packages.json'), 'utf8')) as RootfsStage['packages'];
  return {dir: stage.dir, key, root: join(stage.dir, 'root'), packages, cached: stage.cached};
}
