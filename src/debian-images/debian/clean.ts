import {chmod, chown, lstat, mkdir, readdir, readFile, rm, truncate, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {gunzipSync} from 'node:zlib';
import {firstTrailerDate} from './deb.js';
import {BuildError} from '../support/errors.js';
import {type IndexState, parseRelease} from './release.js';
import type {ResolvedPackage} from './apt.js';
import type {FileSpec} from '../recipe/types.js';

// What debootstrap leaves behind that an image should not carry, and the few files whose
// content depends on when or where the build ran.

const LISTS = 'var/lib/apt/lists';

/** Splits a dpkg/apt control file into stanzas of field → value (continuation lines dropped). */
function stanzas(text: string): Map<string, string>[] {
  return text.split(/\n\n+/).map((block) => {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) fields.set(m[1]!, m[2]!);
    }
    return fields;
  });
}

/**
 * The packages dpkg installed, with the checksum of each .deb from the Packages index
 * debootstrap downloaded (read before the lists are deleted).
 */
export async function installedPackages(root: string): Promise<ResolvedPackage[]> {
  const status = stanzas(await readFile(join(root, 'var/lib/dpkg/status'), 'utf8'));
  const installed = status.filter((s) => s.get('Status') === 'install ok installed');
  const wanted = new Map(installed.map((s) => [`${s.get('Package')} ${s.get('Version')} ${s.get('Architecture')}`, s]));
  const wantedNames = new Set(installed.map((s) => s.get('Package')));
  const index = new Map<string, {sha256: string; size: number; filename: string}>();
  for (const name of await readdir(join(root, LISTS)).catch(() => [] as string[])) {
    if (!name.endsWith('_Packages')) continue;
    const text = await readFile(join(root, LISTS, name), 'utf8');
    // The index is ~50 MB: find the wanted stanzas by their first line instead of parsing them all.
    for (const m of text.matchAll(/^Package: (\S+)$/gm)) {
      if (!wantedNames.has(m[1]!)) continue;
      const end = text.indexOf('\n\n', m.index);
      const [s] = stanzas(text.slice(m.index, end === -1 ? undefined : end));
      const key = `${s!.get('Package')} ${s!.get('Version')} ${s!.get('Architecture')}`;
      if (wanted.has(key)) index.set(key, {sha256: s!.get('SHA256') ?? '', size: Number(s!.get('Size') ?? 0), filename: (s!.get('Filename') ?? '').split('/').pop() ?? ''});
    }
  }
  return installed
    .map((s) => {
      const key = `${s.get('Package')} ${s.get('Version')} ${s.get('Architecture')}`;
      const found = index.get(key);
      return {name: s.get('Package')!, version: s.get('Version')!, architecture: s.get('Architecture')!, filename: found?.filename ?? '', sha256: found?.sha256 ?? '', size: found?.size ?? 0};
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The Release file debootstrap itself verified and used, which is what the image was resolved from. */
export async function debootstrapIndexState(root: string, suite: string, components: string[], architecture: string): Promise<IndexState> {
  const names = (await readdir(join(root, LISTS)).catch(() => [] as string[])).filter((n) => n.endsWith(`_dists_${suite}_Release`));
  if (names.length !== 1) throw new BuildError(`expected one Release file of ${suite} in ${LISTS} after debootstrap, found ${names.length}`);
  return parseRelease(await readFile(join(root, LISTS, names[0]!), 'utf8'), components, architecture, 'debootstrap');
}

/** Date of the newest changelog entry of any installed package (seconds), 0 if none is found. */
export async function newestPackageDate(root: string, packages: ResolvedPackage[]): Promise<number> {
  let newest = 0;
  for (const pkg of packages) {
    const docDir = join(root, 'usr/share/doc', pkg.name);
    // A doc folder that is a symlink points at another package's, which is counted on its own.
    if (!(await lstat(docDir).catch(() => undefined))?.isDirectory()) continue;
    for (const name of [`changelog.Debian.${pkg.architecture}.gz`, 'changelog.Debian.gz', 'changelog.gz']) {
      const file = join(docDir, name);
      if (!(await lstat(file).catch(() => undefined))?.isFile()) continue;
      const seconds = firstTrailerDate(gunzipSync(await readFile(file)).toString('utf8'));
      if (seconds === undefined) continue;
      newest = Math.max(newest, seconds);
      break;
    }
  }
  return newest;
}

async function removeMatching(dir: string, test: (name: string) => boolean): Promise<void> {
  for (const entry of await readdir(dir, {withFileTypes: true}).catch(() => [])) {
    if (!entry.isDirectory() && test(entry.name)) await rm(join(dir, entry.name), {force: true});
  }
}

/**
 * Creates the missing folders of a path inside the tree with mode 0755 (not the umask's), and
 * refuses a symlinked folder: following it could write outside the tree.
 */
async function ensureDirs(root: string, rel: string): Promise<void> {
  let dir = root;
  for (const part of rel.split('/').filter(Boolean)) {
    dir = join(dir, part);
    const s = await lstat(dir).catch(() => undefined);
    if (s === undefined) {
      await mkdir(dir);
      await chmod(dir, 0o755);
    } else if (!s.isDirectory()) {
      throw new BuildError(`/${rel} cannot be written: ${dir.slice(root.length)} is not a directory in the image`);
    }
  }
}

/** Writes a root-owned file, replacing whatever (file or symlink) was there. */
async function writeRootFile(root: string, path: string, content: string, mode: number): Promise<void> {
  const file = join(root, path);
  await ensureDirs(root, dirname(path));
  await rm(file, {force: true});
  await writeFile(file, content);
  await chmod(file, mode);
  await chown(file, 0, 0);
}

/** Sets the "last password change" day of every shadow entry to the image's date. */
async function normalizeShadow(root: string, epoch: number): Promise<void> {
  const file = join(root, 'etc/shadow');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const day = String(Math.floor(epoch / 86400));
  const fixed = text
    .split('\n')
    .map((line) => {
      const fields = line.split(':');
      if (fields.length < 9 || !/^\d+$/.test(fields[2]!)) return line;
      fields[2] = day;
      return fields.join(':');
    })
    .join('\n');
  // Rewriting in place keeps the file's owner (root:shadow) and mode.
  if (fixed !== text) await writeFile(file, fixed);
}

/**
 * Cleans the tree like Docker's debian images are cleaned: no apt lists, package caches or
 * logs, empty hostname/resolv.conf/machine-id, and the recipe's own files (policy-rc.d, apt
 * and dpkg settings) on top. Files that differ from run to run for the same packages are
 * normalized or dropped.
 */
export async function cleanRootfs(root: string, epoch: number, files: FileSpec[]): Promise<void> {
  await removeMatching(join(root, LISTS), () => true);
  await removeMatching(join(root, LISTS, 'partial'), () => true);
  await removeMatching(join(root, 'var/cache/apt'), (n) => n.endsWith('.bin'));
  await removeMatching(join(root, 'var/cache/apt/archives'), (n) => n.endsWith('.deb'));
  await removeMatching(join(root, 'var/cache/apt/archives/partial'), () => true);

  // Install logs go; login accounting files stay, empty, keeping their owner and mode.
  const logs = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, {withFileTypes: true}).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await logs(path);
      else if (!entry.isFile()) continue;
      else if (/\.log(\.\d+)?(\.(gz|xz))?$/.test(entry.name) || dir.endsWith('/apt')) await rm(path, {force: true});
      else await truncate(path, 0);
    }
  };
  await logs(join(root, 'var/log'));

  // Caches and backups whose bytes depend on timing, not on the packages.
  await rm(join(root, 'var/cache/ldconfig/aux-cache'), {force: true});
  await removeMatching(join(root, 'var/lib/dpkg'), (n) => n.endsWith('-old'));
  await removeMatching(join(root, 'var/cache/debconf'), (n) => n.endsWith('-old'));
  for (const name of ['passwd-', 'group-', 'shadow-', 'gshadow-']) await rm(join(root, 'etc', name), {force: true});
  await rm(join(root, 'var/lib/dbus/machine-id'), {force: true});
  await normalizeShadow(root, epoch);

  // debootstrap copies these from the build host; the container runtime provides its own.
  await writeRootFile(root, 'etc/hostname', '', 0o644);
  await writeRootFile(root, 'etc/resolv.conf', '', 0o644);
  await writeRootFile(root, 'etc/machine-id', '', 0o444);

  for (const f of files) {
    await writeRootFile(root, f.path.slice(1), f.lines.length > 0 ? `${f.lines.join('\n')}\n` : '', f.mode === undefined ? 0o644 : parseInt(f.mode, 8));
  }
}
