import {chmod, lstat, mkdir, readdir, rm, symlink, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {BuildError} from '../support/errors.js';
import type {DebootstrapSpec} from '../recipe/types.js';

// The steps a service image (postgres, redis, nginx, ...) needs after debootstrap and cleaning:
// what the packages' scripts made that must go, a slimmer tree, and symlinks (logs to stdout).

/** Doc, manual and translation folders a -slim image leaves empty; copyright files stay (licences ask it). */
const SLIM_TREES = ['usr/share/man', 'usr/share/info', 'usr/share/locale', 'usr/share/lintian', 'usr/share/linda', 'usr/share/groff'];

/** Installed into a slim image so packages added later with apt-get stay slim too (as Docker's -slim images do). */
const SLIM_DPKG_CONFIG = [
  '# This image is slim: packages installed later leave out documentation, manual pages and translations.',
  'path-exclude /usr/share/doc/*',
  'path-include /usr/share/doc/*/copyright',
  'path-exclude /usr/share/man/*',
  'path-exclude /usr/share/info/*',
  'path-exclude /usr/share/locale/*',
  'path-exclude /usr/share/lintian/*',
  'path-exclude /usr/share/groff/*',
  '',
].join('\n');

/** The path inside root, refusing a parent that is a symlink: following it could touch the build host. */
async function inside(root: string, path: string): Promise<string | undefined> {
  const parts = path.split('/').filter(Boolean);
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    const s = await lstat(dir).catch(() => undefined);
    if (s === undefined) return undefined;
    if (!s.isDirectory()) throw new BuildError(`${path}: ${dir.slice(root.length)} is not a directory in the image`);
  }
  return join(dir, parts.at(-1)!);
}

async function emptyTree(dir: string, keep: (rel: string) => boolean, rel = ''): Promise<void> {
  for (const entry of await readdir(dir, {withFileTypes: true}).catch(() => [])) {
    const path = join(dir, entry.name);
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      await emptyTree(path, keep, childRel);
      if ((await readdir(path)).length === 0 && rel !== '') await rm(path, {recursive: true});
    } else if (!keep(childRel)) {
      await rm(path, {force: true});
    }
  }
}

async function slimTree(root: string): Promise<void> {
  // usr/share/doc/<package>/copyright stays; everything else there goes.
  await emptyTree(join(root, 'usr/share/doc'), (rel) => /^[^/]+\/copyright$/.test(rel));
  for (const tree of SLIM_TREES) await emptyTree(join(root, tree), () => false);
  await mkdir(join(root, 'etc/dpkg/dpkg.cfg.d'), {recursive: true});
  const config = join(root, 'etc/dpkg/dpkg.cfg.d/docker-slim');
  await writeFile(config, SLIM_DPKG_CONFIG);
  await chmod(config, 0o644);
}

/** Removals, then slimming, then symlinks, in that order (a symlink may replace a removed log file). */
export async function finishRootfs(root: string, spec: DebootstrapSpec): Promise<void> {
  for (const path of spec.remove ?? []) {
    const target = await inside(root, path);
    if (target !== undefined) await rm(target, {recursive: true, force: true});
  }
  if (spec.slim) await slimTree(root);
  for (const link of spec.symlinks ?? []) {
    // Checked before and after making the parents: an existing parent must be a real folder.
    if ((await inside(root, link.path)) === undefined) await mkdir(join(root, dirname(link.path)), {recursive: true});
    const target = (await inside(root, link.path))!;
    await rm(target, {force: true, recursive: true});
    await symlink(link.target, target);
  }
}
