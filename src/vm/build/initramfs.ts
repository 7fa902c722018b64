/**
 * The initramfs: static busybox, the kernel modules that SSH needs, and /init (vm-images/vm's script).
 * Built in memory as a newc cpio and gzip-compressed; its size is padded to 512 bytes so the per-VM archive
 * the host appends at start begins on a boundary the kernel's unpacker accepts.
 */
import {mkdtemp, readFile, writeFile} from 'node:fs/promises';
import {basename, join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {APT_ARCHIVES, fetchDeb, resolvePackages, type ResolvedPackage} from '../../debian-images/debian/apt.js';
import {extractDeb} from '../../debian-images/debian/deb.js';
import {removeTree} from '../../debian-images/debian/debootstrap.js';
import {sha256Hex} from '../../debian-images/support/hash.js';
import type {LoadedVmRecipe} from '../recipe.js';
import {type CpioEntry, writeCpio} from './cpio.js';
import type {KernelStage} from './kernel.js';
import type {Progress} from './progress.js';
import {ensureStage} from './stage.js';

const INITRAMFS_BUILDER = 'lab vm initramfs 2';

export interface InitramfsStage {
  dir: string;
  key: string;
  /** initramfs.img: the gzip'd cpio. */
  image: string;
  /** The static busybox binary, reused as the root file system's init. */
  busybox: string;
  busyboxPackage: ResolvedPackage;
  cached: boolean;
}

export async function resolveBusybox(loaded: LoadedVmRecipe, debsDir: string): Promise<ResolvedPackage> {
  const [pkg] = await resolvePackages([{name: loaded.recipe.initramfs.busyboxPackage}], loaded.recipe.architecture, debsDir);
  return pkg!;
}

/** The cpio members, in an order where every folder precedes what it holds. */
export function initramfsEntries(init: Buffer, busybox: Buffer, modules: {name: string; data: Buffer}[]): CpioEntry[] {
  return [
    ...['bin', 'dev', 'proc', 'sys', 'newroot', 'lib', 'lib/modules'].map((name): CpioEntry => ({name, type: 'directory'})),
    // The kernel opens /dev/console for init's stdio before anything can create device nodes.
    {name: 'dev/console', type: 'char', mode: 0o600, major: 5, minor: 1},
    {name: 'bin/busybox', type: 'file', mode: 0o755, data: busybox},
    {name: 'bin/sh', type: 'symlink', target: 'busybox'},
    {name: 'init', type: 'file', mode: 0o755, data: init},
    ...modules.map((m): CpioEntry => ({name: `lib/modules/${m.name}`, type: 'file', mode: 0o644, data: m.data})),
    {name: 'lib/modules/load.order', type: 'file', mode: 0o644, data: Buffer.from(modules.map((m) => `${m.name}\n`).join(''))},
  ];
}

export function initramfsKey(loaded: LoadedVmRecipe, kernelKey: string, pkg: ResolvedPackage): string {
  const initScript = loaded.files.get(loaded.recipe.initramfs.init)!;
  return sha256Hex([INITRAMFS_BUILDER, kernelKey, `${pkg.name} ${pkg.version} ${pkg.sha256}`, sha256Hex(initScript)].join('\n'));
}

export async function ensureInitramfs(
  loaded: LoadedVmRecipe,
  kernel: KernelStage,
  pkg: ResolvedPackage,
  cacheDir: string,
  debsDir: string,
  progress: Progress,
): Promise<InitramfsStage> {
  const initScript = loaded.files.get(loaded.recipe.initramfs.init)!;
  const key = initramfsKey(loaded, kernel.key, pkg);
  const stage = await ensureStage(cacheDir, 'initramfs', key, async (out) => {
    const deb = await fetchDeb(pkg, debsDir, () => progress('download', `apt-get download ${pkg.name}=${pkg.version}`), [APT_ARCHIVES]);
    const work = await mkdtemp(join(out, '.unpack-'));
    try {
      await extractDeb(deb.path, work);
      const busybox = await readFile(join(work, 'bin/busybox'));
      await writeFile(join(out, 'busybox'), busybox, {mode: 0o755});
      // Flat names: busybox insmod takes a path, and the load order file says which comes first.
      const modulesDir = join(kernel.modulesRoot, 'lib/modules', kernel.version);
      const modules = await Promise.all(kernel.bootModules.map(async (rel) => ({name: basename(rel), data: await readFile(join(modulesDir, rel))})));
      const cpio = writeCpio(initramfsEntries(initScript, busybox, modules));
      const gz = gzipSync(cpio, {level: 9});
      const padded = Buffer.concat([gz, Buffer.alloc((512 - (gz.length % 512)) % 512)]);
      await writeFile(join(out, 'initramfs.img'), padded);
      progress('initramfs', `${modules.length} modules + busybox ${pkg.version}: ${(padded.length / 1048576).toFixed(1)} MiB`);
    } finally {
      await removeTree(work);
    }
  });
  return {dir: stage.dir, key, image: join(stage.dir, 'initramfs.img'), busybox: join(stage.dir, 'busybox'), busyboxPackage: pkg, cached: stage.cached};
}
