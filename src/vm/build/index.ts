/**
 * `lab vm build`: kernel, initramfs and base disk of the lab VM, from Debian packages. Every step is cached by a
 * hash of what decides it (recipe files, exact package versions, the apt index debootstrap resolves from, the host
 * programs copied in, this package's files), so a second build with nothing changed touches no package at all.
 */
import {link, readdir, readFile, stat, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import type {ResolvedPackage} from '../../debian-images/debian/apt.js';
import {removeTree} from '../../debian-images/debian/debootstrap.js';
import {sha256Hex} from '../../debian-images/support/hash.js';
import {withLock} from '../../debian-images/cache/lock.js';
import {debsCacheDir, defaultCacheDir} from '../../debian-images/cache/paths.js';
import {packageRoot, vmCacheDir, vmRecipeDir} from '../paths.js';
import {type LoadedVmRecipe, loadVmRecipe, type VmRecipe} from '../recipe.js';
import {assembleTree, checkNodeRuns, hostFilesSignature} from './assemble.js';
import {runLabImageSteps} from './lab-image-steps.js';
import {type CourseRegistryPlan, ensureRegistryStorage, installCourseRegistry, planCourseRegistry} from './course-registry.js';
import {makeDisk} from './disk.js';
import {ensureInitramfs, initramfsKey, resolveBusybox} from './initramfs.js';
import {ensureKernel, kernelKey, resolveKernelPackage} from './kernel.js';
import {packageDigest} from './package-copy.js';
import type {Progress, VmBuildProgress} from './progress.js';
import {ensureRootfs, rootfsKey, rootfsSource, type RootfsSource} from './rootfs.js';
import {ensureStage, pruneStages, stageDir} from './stage.js';
import {rootfsInclude} from './system-packages.js';

export type {VmBuildProgress, VmBuildStep} from './progress.js';

/** Bump when the assembled image would differ for the same inputs. */
const IMAGE_BUILDER = 'lab vm image 2';
/** Older images kept besides those in use, for stopped VMs whose records live elsewhere. */
const KEEP_IMAGES = 2;

export interface VmImage {
  key: string;
  dir: string;
  vmlinux: string;
  initramfs: string;
  base: string;
  cmdline: string;
  machine: VmRecipe['machine'];
  kernelVersion: string;
  packages: {kernel: string; busybox: string; rootfs: number};
  /** The course registry inside: its URL there and the images it serves (absent in images built before it). */
  courseRegistry?: {url: string; images: {recipe: string; imageId: string; tags: string[]}[]};
  sizes: {vmlinux: number; initramfs: number; base: number; virtualMiB: number};
  builtAt: string;
  buildSeconds: number;
  node: string;
  /** True when nothing had to be built. */
  cached: boolean;
}

export interface VmBuildOptions {
  onProgress?: (p: VmBuildProgress) => void;
  cacheDir?: string;
  recipeDir?: string;
  packageRoot?: string;
}

interface Plan {
  /** The recipe as built: its include list merged with system-packages.json's lab machine entries. */
  loaded: LoadedVmRecipe;
  registry?: CourseRegistryPlan;
  kernelPkg: ResolvedPackage;
  busyboxPkg: ResolvedPackage;
  source: RootfsSource;
  key: string;
  stageKeys: {kernel: string; initramfs: string; rootfs: string; registry: string};
}

/** Resolves every input and computes the keys, without building anything. */
async function plan(opts: Required<Omit<VmBuildOptions, 'onProgress'>>, debsDir: string, progress: Progress): Promise<Plan> {
  const read = await loadVmRecipe(opts.recipeDir);
  const include = await rootfsInclude(read.recipe, opts.packageRoot);
  const loaded: LoadedVmRecipe = {...read, recipe: {...read.recipe, rootfs: {...read.recipe.rootfs, include}}};
  const {recipe} = loaded;
  const kernelPkg = await resolveKernelPackage(recipe, debsDir, progress);
  const busyboxPkg = await resolveBusybox(loaded, debsDir);
  const source = await rootfsSource(recipe);
  progress('resolve', `kernel ${kernelPkg.name} ${kernelPkg.version}, ${busyboxPkg.name} ${busyboxPkg.version}`);
  progress('resolve', `debootstrap ${recipe.rootfs.suite} from ${source.mirror} (apt index of ${source.index.date})`);
  const registry = await planCourseRegistry(recipe, opts.packageRoot, progress);
  const stageKeys = {kernel: kernelKey(recipe, kernelPkg), initramfs: '', rootfs: rootfsKey(recipe, source), registry: registry?.imageKey ?? 'none'};
  stageKeys.initramfs = initramfsKey(loaded, stageKeys.kernel, busyboxPkg);
  const manifest = JSON.parse(await readFile(join(opts.packageRoot, 'package.json'), 'utf8')) as {version?: string};
  const files = [...loaded.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, data]) => `${name} ${sha256Hex(data)}`);
  const key = sha256Hex(
    [
      IMAGE_BUILDER,
      ...Object.values(stageKeys),
      ...files,
      ...(await hostFilesSignature(loaded)),
      `lab ${manifest.version ?? '?'} ${await packageDigest(opts.packageRoot, recipe.rootfs.package?.paths ?? [])}`,
    ].join('\n'),
  );
  return {loaded, registry, kernelPkg, busyboxPkg, source, key, stageKeys};
}

async function readImage(dir: string): Promise<VmImage | undefined> {
  try {
    const image = JSON.parse(await readFile(join(dir, 'image.json'), 'utf8')) as VmImage;
    await stat(image.base);
    return image;
  } catch {
    return undefined;
  }
}

async function hardlinkOrCopy(from: string, to: string): Promise<void> {
  await link(from, to).catch(async () => writeFile(to, await readFile(from)));
}

export async function buildVmImage(options: VmBuildOptions = {}): Promise<VmImage> {
  const started = performance.now();
  const progress: Progress = (step, message) => options.onProgress?.({step, message});
  const opts = {cacheDir: options.cacheDir ?? vmCacheDir(), recipeDir: options.recipeDir ?? vmRecipeDir(), packageRoot: options.packageRoot ?? packageRoot()};
  const debsDir = debsCacheDir(defaultCacheDir());
  const p = await plan(opts, debsDir, progress);
  const dir = stageDir(opts.cacheDir, 'image', p.key);

  const hit = await readImage(dir);
  if (hit) {
    progress('cached', `up to date: ${dir}`);
    return {...hit, cached: true};
  }
  if (process.getuid?.() !== 0) throw new Error('building the VM image needs root (debootstrap runs maintainer scripts in a chroot); run: sudo lab vm build');

  return withLock(join(opts.cacheDir, 'build.lock'), () => progress('resolve', 'waiting for another build to finish'), async () => {
    const done = await readImage(dir);
    if (done) return {...done, cached: true};
    const {loaded} = p;
    const {recipe} = loaded;
    const kernel = await ensureKernel(recipe, p.kernelPkg, opts.cacheDir, debsDir, progress);
    if (kernel.cached) progress('kernel', `cached ${kernel.version}`);
    const initramfs = await ensureInitramfs(loaded, kernel, p.busyboxPkg, opts.cacheDir, debsDir, progress);
    if (initramfs.cached) progress('initramfs', 'cached');
    const rootfs = await ensureRootfs(recipe, p.source, opts.cacheDir, debsDir, progress);
    if (rootfs.cached) progress('debootstrap', `cached (${rootfs.packages.length} packages)`);
    const registry = p.registry ? await ensureRegistryStorage(p.registry, opts.cacheDir, progress) : undefined;
    if (registry?.cached) progress('registry', `cached (${p.registry!.images.length} images)`);

    await ensureStage(opts.cacheDir, 'image', p.key, async (out) => {
      const tree = join(out, '.tree');
      try {
        progress('rootfs', 'assembling the root tree');
        const {dependencies} = await assembleTree(loaded, {rootfs: rootfs.root, modulesRoot: kernel.modulesRoot, busybox: initramfs.busybox, packageRoot: opts.packageRoot}, tree);
        progress('package', `this package and ${dependencies} production dependencies → ${recipe.rootfs.package?.to ?? '(not copied)'}`);
        if (p.registry && registry) {
          await installCourseRegistry(p.registry, registry.storage, tree);
          progress('registry', `the course registry on ${p.registry.url} inside, named in /etc/docker/daemon.json as the mirror`);
        }
        const node = recipe.rootfs.hostFiles?.find((f) => f.from === '@node')?.to;
        const nodeVersion = node ? await checkNodeRuns(tree, node) : 'none';
        if (node) progress('rootfs', `node ${nodeVersion} runs inside the tree`);
        if (recipe.rootfs.package) {
          const labs = await runLabImageSteps(tree, recipe.rootfs.package.to);
          if (labs.length) progress('package', `the labs' image-time steps ran inside the tree: ${labs.join(', ')}`);
        }
        progress('disk', `mkfs.ext4 -d (${recipe.disk.sizeMiB} MiB) and qemu-img convert${recipe.disk.compress === false ? '' : ' -c (zstd)'}`);
        const disk = await makeDisk(tree, join(out, '.root.raw'), join(out, 'base.qcow2'), recipe.disk.sizeMiB, recipe.disk.compress !== false);
        progress('disk', `base.qcow2 ${(disk.bytes / 1048576).toFixed(0)} MiB`);
        await hardlinkOrCopy(kernel.vmlinux, join(out, 'vmlinux'));
        await hardlinkOrCopy(initramfs.image, join(out, 'initramfs.img'));
        const final = stageDir(opts.cacheDir, 'image', p.key);
        const image: VmImage = {
          key: p.key,
          dir: final,
          vmlinux: join(final, 'vmlinux'),
          initramfs: join(final, 'initramfs.img'),
          base: join(final, 'base.qcow2'),
          cmdline: recipe.kernel.cmdline.join(' '),
          machine: recipe.machine,
          kernelVersion: kernel.version,
          packages: {kernel: `${p.kernelPkg.name} ${p.kernelPkg.version}`, busybox: `${p.busyboxPkg.name} ${p.busyboxPkg.version}`, rootfs: rootfs.packages.length},
          ...(p.registry ? {courseRegistry: {url: p.registry.url, images: p.registry.images.map(({recipe: name, imageId, tags}) => ({recipe: name, imageId, tags}))}} : {}),
          sizes: {
            vmlinux: (await stat(kernel.vmlinux)).size,
            initramfs: (await stat(initramfs.image)).size,
            base: disk.bytes,
            virtualMiB: recipe.disk.sizeMiB,
          },
          builtAt: new Date().toISOString(),
          buildSeconds: Math.round((performance.now() - started) / 100) / 10,
          node: nodeVersion,
          cached: false,
        };
        await writeFile(join(out, 'image.json'), `${JSON.stringify(image, null, 2)}\n`);
      } finally {
        await removeTree(tree);
      }
    });

    const image = (await readImage(dir))!;
    const keep = new Set([kernel.dir, initramfs.dir, rootfs.dir, dir, ...(registry ? [registry.dir] : []), ...(await imagesInUse(opts.cacheDir))]);
    for (const kind of ['kernel', 'initramfs', 'rootfs', 'registry', 'image']) {
      for (const removed of await pruneStages(opts.cacheDir, kind, keep)) progress('done', `removed the outdated ${removed}`);
    }
    progress('done', `${image.dir} in ${image.buildSeconds}s`);
    return image;
  });
}

/**
 * Image folders that may still be needed: those VM records point at (their overlay's backing file), those any
 * running qemu booted from (VMs of other state folders), and the newest few, for stopped VMs this user's
 * records do not show.
 */
async function imagesInUse(cacheDir: string): Promise<string[]> {
  const {listVmRecords} = await import('../record.js');
  const dirs = (await listVmRecords()).map((r) => r.image.dir);
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!/qemu-system/.test(argv[0] ?? '')) continue;
    const kernel = argv[argv.indexOf('-kernel') + 1];
    if (kernel) dirs.push(dirname(kernel));
  }
  const images = await Promise.all(
    (await readdir(cacheDir).catch(() => [] as string[]))
      .filter((n) => /^image-[0-9a-f]{16}$/.test(n))
      .map(async (n) => ({dir: join(cacheDir, n), mtime: (await stat(join(cacheDir, n)).catch(() => undefined))?.mtimeMs ?? 0})),
  );
  images.sort((a, b) => b.mtime - a.mtime);
  return [...dirs, ...images.slice(0, KEEP_IMAGES).map((i) => i.dir)];
}
