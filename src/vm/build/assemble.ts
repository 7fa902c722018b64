/**
 * The lab VM's root tree, put together in a scratch folder from the cached steps: the debootstrap root, the
 * module subset, busybox as init, the recipe's files, programs from the host (node, docker) and this package.
 */
import {existsSync} from 'node:fs';
import {chmod, chown, copyFile, lstat, mkdir, realpath, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {SYSTEM_PATH} from '../../debian-images/debian/debootstrap.js';
import {run} from '../../debian-images/support/exec.js';
import type {LoadedVmRecipe} from '../recipe.js';
import {copyPackage} from './package-copy.js';
import {insideRoot} from './rootfs.js';

export interface AssembleInputs {
  rootfs: string;
  modulesRoot: string;
  busybox: string;
  packageRoot: string;
}

/** Where a host file entry comes from: "@node" is the running node binary, "@<name>" the program found on PATH. */
export function hostSource(from: string): string {
  if (from === '@node') return process.execPath;
  if (!from.startsWith('@')) return from;
  const name = from.slice(1);
  const dirs = [...(process.env.PATH ?? '').split(':'), ...SYSTEM_PATH.split(':')].filter(Boolean);
  const found = dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
  if (!found) throw new Error(`${name} is not on PATH; the VM takes its copy from this machine`);
  return found;
}

/** What identifies the host programs copied in, cheaply: their resolved path, size and modification time. */
export async function hostFilesSignature(loaded: LoadedVmRecipe): Promise<string[]> {
  const lines: string[] = [];
  for (const f of loaded.recipe.rootfs.hostFiles ?? []) {
    const source = hostSource(f.from);
    const s = await stat(source).catch(() => undefined);
    if (!s?.isFile()) throw new Error(`${source} (for ${f.to} in the VM) does not exist on this machine`);
    lines.push(`${f.to} ${await realpath(source)} ${s.size} ${Math.round(s.mtimeMs)}${f.from === '@node' ? ` ${process.version}` : ''}`);
  }
  return lines;
}

/** The real folder behind a path of the tree whose parents may be merged-/usr symlinks (lib → usr/lib). */
async function resolvedInTree(root: string, rel: string): Promise<string> {
  const parts = rel.split('/').filter(Boolean);
  let current = root;
  for (const part of parts) {
    const next = join(current, part);
    const s = await lstat(next).catch(() => undefined);
    if (s?.isSymbolicLink()) {
      const target = await realpath(next);
      if (!target.startsWith(`${root}/`)) throw new Error(`${rel} leads outside the image`);
      current = target;
    } else {
      current = next;
    }
  }
  return current;
}

async function placeFile(root: string, path: string, data: Buffer | {copyFrom: string}, mode: number): Promise<void> {
  insideRoot(root, path);
  const parent = await resolvedInTree(root, dirname(path));
  await mkdir(parent, {recursive: true});
  const dest = join(parent, basename(path));
  await rm(dest, {force: true});
  if (Buffer.isBuffer(data)) await writeFile(dest, data);
  else await copyFile(data.copyFrom, dest);
  await chmod(dest, mode);
  await chown(dest, 0, 0);
}

export async function assembleTree(loaded: LoadedVmRecipe, inputs: AssembleInputs, staging: string): Promise<{dependencies: number}> {
  const {recipe} = loaded;
  // -a keeps owners, modes, hard links and the file capabilities some packages set.
  await run('cp', ['-a', '--reflink=auto', `${inputs.rootfs}/.`, `${staging}/`]);

  const modulesDest = await resolvedInTree(staging, 'lib/modules');
  await mkdir(modulesDest, {recursive: true});
  await run('cp', ['-a', `${join(inputs.modulesRoot, 'lib/modules')}/.`, `${modulesDest}/`]);

  await placeFile(staging, '/usr/lib/lab-vm/busybox', {copyFrom: inputs.busybox}, 0o755);
  const init = join(await resolvedInTree(staging, 'sbin'), 'init');
  await rm(init, {force: true});
  await symlink('/usr/lib/lab-vm/busybox', init);

  for (const f of recipe.rootfs.files ?? []) {
    const data = f.source !== undefined ? loaded.files.get(f.source)! : Buffer.from(f.text ?? '', 'utf8');
    await placeFile(staging, f.path, data, parseInt(f.mode ?? '0644', 8));
  }
  for (const f of recipe.rootfs.hostFiles ?? []) await placeFile(staging, f.to, {copyFrom: hostSource(f.from)}, 0o755);
  // The boot script loads these once SSH answers (the initramfs has loaded the ones SSH needs).
  const later = `# Loaded by /usr/lib/lab-vm/boot after SSH is up.\n${recipe.kernel.modules.map((m) => `${m}\n`).join('')}`;
  await placeFile(staging, '/etc/modules-load.d/lab-vm.conf', Buffer.from(later), 0o644);
  await mkdir(join(staging, 'root/.ssh'), {recursive: true, mode: 0o700});
  await mkdir(join(staging, 'etc/dropbear'), {recursive: true, mode: 0o755});

  let dependencies = 0;
  if (recipe.rootfs.package) dependencies = await copyPackage(inputs.packageRoot, insideRoot(staging, recipe.rootfs.package.to), recipe.rootfs.package.paths);
  return {dependencies};
}

/** Runs the copied node inside the tree: proves its shared libraries are all there before anything boots. */
export async function checkNodeRuns(staging: string, nodePath: string): Promise<string> {
  const {stdout} = await run('chroot', [staging, nodePath, '--version'], {env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C'}});
  return stdout.toString('utf8').trim();
}
