/** The VM's kernel from Debian's linux-image package: an uncompressed vmlinux and the module subset it needs. */
import {mkdtemp, readdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {APT_ARCHIVES, fetchDeb, resolvePackages, type ResolvedPackage} from '../../debian-images/debian/apt.js';
import {extractDeb} from '../../debian-images/debian/deb.js';
import {removeTree} from '../../debian-images/debian/debootstrap.js';
import {run} from '../../debian-images/support/exec.js';
import {sha256Hex} from '../../debian-images/support/hash.js';
import type {VmRecipe} from '../recipe.js';
import {copyModuleSubset} from './modules.js';
import {ensureStage} from './stage.js';
import {extractVmlinux} from './vmlinux.js';
import type {Progress} from './progress.js';

export interface KernelStage {
  dir: string;
  key: string;
  version: string;
  package: ResolvedPackage;
  vmlinux: string;
  /** Root of a tree holding lib/modules/<version> with the subset, indexed by depmod. */
  modulesRoot: string;
  /** Load order of the initramfs's modules, relative to lib/modules/<version>. */
  bootModules: string[];
  cached: boolean;
}

const KERNEL_BUILDER = 'lab vm kernel 3';

/** "linux-image-6.1.0-56-amd64 (= 6.1.192-2)" → the one linux-image-* package a metapackage depends on. */
export function imagePackageOf(depends: string): string | undefined {
  for (const alternative of depends.split(',')) {
    const name = alternative.split('|')[0]!.trim().split(/[\s(]/)[0]!;
    if (/^linux-image-\d/.test(name)) return name;
  }
  return undefined;
}

/** Resolves the recipe's kernel package, following a metapackage (linux-image-amd64) to the real image. */
export async function resolveKernelPackage(recipe: VmRecipe, debsDir: string, progress: Progress): Promise<ResolvedPackage> {
  const [named] = await resolvePackages([{name: recipe.kernel.package}], recipe.architecture, debsDir);
  if (/^linux-image-\d/.test(named!.name)) return named!;
  const meta = await fetchDeb(named!, debsDir, () => progress('download', `apt-get download ${named!.name}=${named!.version}`), [APT_ARCHIVES]);
  const {stdout} = await run('dpkg-deb', ['-f', meta.path, 'Depends']);
  const image = imagePackageOf(stdout.toString('utf8'));
  if (!image) throw new Error(`${named!.name} ${named!.version} depends on no linux-image-<version> package`);
  const [resolved] = await resolvePackages([{name: image}], recipe.architecture, debsDir);
  return resolved!;
}

export function kernelKey(recipe: VmRecipe, pkg: ResolvedPackage): string {
  return sha256Hex([KERNEL_BUILDER, `${pkg.name} ${pkg.version} ${pkg.sha256}`, `boot ${recipe.kernel.bootModules.join(' ')}`, `later ${recipe.kernel.modules.join(' ')}`].join('\n'));
}

export async function ensureKernel(recipe: VmRecipe, pkg: ResolvedPackage, cacheDir: string, debsDir: string, progress: Progress): Promise<KernelStage> {
  const key = kernelKey(recipe, pkg);
  const stage = await ensureStage(cacheDir, 'kernel', key, async (out) => {
    const deb = await fetchDeb(pkg, debsDir, () => progress('download', `apt-get download ${pkg.name}=${pkg.version}`), [APT_ARCHIVES]);
    const work = await mkdtemp(join(out, '.unpack-'));
    try {
      progress('kernel', `dpkg -x ${pkg.filename}`);
      await extractDeb(deb.path, work);
      const versions = await readdir(join(work, 'lib/modules'));
      if (versions.length !== 1) throw new Error(`${pkg.filename} holds ${versions.length} module trees, expected one`);
      const version = versions[0]!;
      const extracted = await extractVmlinux(join(work, 'boot', `vmlinuz-${version}`), join(out, 'vmlinux'));
      progress('kernel', `vmlinux ${version}: ${(extracted.size / 1048576).toFixed(1)} MiB uncompressed (xz payload at byte ${extracted.offset})`);
      const modules = await copyModuleSubset(work, version, {boot: recipe.kernel.bootModules, later: recipe.kernel.modules}, join(out, 'modules'));
      progress('kernel', `${modules.boot.length} modules for the initramfs, ${modules.later.length} more for later, indexed with depmod -b`);
      await writeFile(join(out, 'kernel.json'), `${JSON.stringify({version, package: pkg, bootModules: modules.boot, laterModules: modules.later}, null, 2)}\n`);
    } finally {
      await removeTree(work);
    }
  });
  const info = JSON.parse(await readFile(join(stage.dir, 'kernel.json'), 'utf8')) as {version: string; bootModules: string[]};
  return {
    dir: stage.dir,
    key,
    version: info.version,
    package: pkg,
    vmlinux: join(stage.dir, 'vmlinux'),
    modulesRoot: join(stage.dir, 'modules'),
    bootModules: info.bootModules,
    cached: stage.cached,
  };
}
