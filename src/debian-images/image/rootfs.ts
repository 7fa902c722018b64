import {lstat, readdir, readlink} from 'node:fs/promises';
import {join, posix} from 'node:path';
import {BuildError} from '../support/errors.js';
import {run} from '../support/exec.js';
import type {PackagesRecipe} from '../recipe/types.js';

export type RootfsEntry =
  | {type: 'directory'; mode: number}
  | {type: 'file'; mode: number; content: {path: string; size: number} | {data: Buffer}}
  | {type: 'symlink'; target: string}
  /** Same inode as another regular file of the rootfs (its absolute path). */
  | {type: 'hardlink'; target: string};

/** Absolute path in the image → entry. Order does not matter; the layer writer sorts. */
export type Rootfs = Map<string, RootfsEntry>;

const DIR_MODE = 0o755;

/**
 * Builds the image's file tree from the recipe and the unpacked packages (package name →
 * folder it was dpkg -x'd into). File contents stay on disk and are only referenced.
 */
export async function assembleRootfs(recipe: PackagesRecipe, unpacked: Map<string, string>, compiled = new Map<string, string>()): Promise<Rootfs> {
  const fs: Rootfs = new Map();
  const {rootfs} = recipe;

  for (const d of rootfs.directories ?? []) addDirectory(fs, d.path, parseMode(d.mode, DIR_MODE));
  for (const c of rootfs.compile ?? []) {
    const file = compiled.get(c.to);
    if (!file) throw new BuildError(`${c.source} was not compiled`);
    add(fs, c.to, {type: 'file', mode: parseMode(c.mode, 0o755), content: {path: file, size: (await lstat(file)).size}});
  }
  for (const c of rootfs.copy ?? []) {
    const dir = unpacked.get(c.package);
    if (!dir) throw new BuildError(`package ${c.package} was not unpacked`);
    await copyFromPackage(fs, join(dir, c.from), c.to ?? c.from, c.mode === undefined ? undefined : parseMode(c.mode, 0o644), `${c.package}:${c.from}`);
  }
  for (const f of rootfs.files ?? []) {
    const data = Buffer.from(f.lines.length > 0 ? `${f.lines.join('\n')}\n` : '', 'utf8');
    add(fs, f.path, {type: 'file', mode: parseMode(f.mode, 0o644), content: {data}});
  }
  for (const s of rootfs.symlinks ?? []) add(fs, s.path, {type: 'symlink', target: s.target});
  if (rootfs.applets) await addApplets(fs, recipe);

  addMissingParents(fs);
  return fs;
}

function parseMode(mode: string | undefined, fallback: number): number {
  return mode === undefined ? fallback : parseInt(mode, 8);
}

function add(fs: Rootfs, path: string, entry: RootfsEntry): void {
  if (fs.has(path)) throw new BuildError(`${path} is defined twice in the rootfs`);
  fs.set(path, entry);
}

function addDirectory(fs: Rootfs, path: string, mode: number): void {
  const existing = fs.get(path);
  if (existing?.type === 'directory') return;
  add(fs, path, {type: 'directory', mode});
}

async function copyFromPackage(fs: Rootfs, source: string, dest: string, mode: number | undefined, label: string): Promise<void> {
  const s = await lstat(source).catch(() => undefined);
  if (!s) throw new BuildError(`${label} does not exist in the unpacked package`);
  if (s.isSymbolicLink()) {
    add(fs, dest, {type: 'symlink', target: await readlink(source)});
  } else if (s.isFile()) {
    add(fs, dest, {type: 'file', mode: mode ?? s.mode & 0o7777, content: {path: source, size: s.size}});
  } else if (s.isDirectory()) {
    addDirectory(fs, dest, s.mode & 0o7777);
    // A mode given for a tree applies to the folder only; its files keep the package's modes.
    for (const name of (await readdir(source)).sort()) {
      await copyFromPackage(fs, join(source, name), posix.join(dest, name), undefined, `${label}/${name}`);
    }
  } else {
    throw new BuildError(`${label} is neither a file, a directory nor a symlink`);
  }
}

/** Node's process.arch → Debian architecture name. */
export const DEBIAN_ARCH_OF_NODE: Record<string, string> = {x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el', riscv64: 'riscv64', s390x: 's390x'};

/** Runs the unpacked multi-call binary to learn its applets, and links each one. */
async function addApplets(fs: Rootfs, recipe: PackagesRecipe): Promise<void> {
  const spec = recipe.rootfs.applets!;
  const binary = fs.get(spec.binary);
  if (binary?.type !== 'file' || !('path' in binary.content)) throw new BuildError(`${spec.binary} must be a file copied from a package`);
  const host = DEBIAN_ARCH_OF_NODE[process.arch] ?? process.arch;
  if (host !== recipe.image.architecture) {
    throw new BuildError(`listing the applets of ${spec.binary} means running it, and this ${host} host cannot run ${recipe.image.architecture} binaries`);
  }

  const {stdout} = await run(binary.content.path, spec.listArgs ?? ['--list'], {env: {PATH: '/usr/bin:/bin', LC_ALL: 'C'}});
  const names = [...new Set(stdout.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean))];
  if (names.length === 0) throw new BuildError(`${spec.binary} ${(spec.listArgs ?? ['--list']).join(' ')} listed no applets`);

  for (const name of names) {
    // --list-full prints paths such as usr/bin/[; the recipe decides the folder, so keep the name.
    const base = posix.basename(name);
    if (base === '.' || base === '..' || base === '') throw new BuildError(`unexpected applet name ${JSON.stringify(name)}`);
    const path = posix.join(spec.directory, base);
    if (fs.has(path)) continue; // the binary itself, or a file the recipe provides explicitly
    if (spec.link === 'hardlink') add(fs, path, {type: 'hardlink', target: spec.binary});
    else add(fs, path, {type: 'symlink', target: posix.relative(spec.directory, spec.binary)});
  }
}

function addMissingParents(fs: Rootfs): void {
  for (const path of [...fs.keys()]) {
    for (let parent = posix.dirname(path); parent !== '/'; parent = posix.dirname(parent)) {
      const entry = fs.get(parent);
      if (entry === undefined) fs.set(parent, {type: 'directory', mode: DIR_MODE});
      else if (entry.type !== 'directory') throw new BuildError(`${path} needs ${parent} to be a directory, but it is a ${entry.type}`);
    }
  }
}
