/**
 * This package as the VM gets it: the listed top-level entries (dist, bin, exercises, ...) and the production
 * dependencies found on disk by Node's own lookup rule, so no npm run is needed and nothing is downloaded.
 */
import {createHash} from 'node:crypto';
import {lstatSync, readdirSync, readFileSync} from 'node:fs';
import {cp, lstat, mkdir, readdir, readFile} from 'node:fs/promises';
import {dirname, join, relative} from 'node:path';

interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

async function manifestOf(dir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** Where `require(name)` from a package in fromDir finds it: the nearest node_modules/<name> going up to root. */
async function locate(name: string, fromDir: string, root: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (await lstat(candidate).then((s) => s.isDirectory() || s.isSymbolicLink(), () => false)) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/** Folders of every production dependency (transitively), relative to root, sorted. */
export async function productionDependencies(root: string): Promise<string[]> {
  const found = new Set<string>();
  const visit = async (dir: string, optionalOnly: boolean): Promise<void> => {
    const manifest = await manifestOf(dir);
    if (!manifest) return;
    const deps = [
      ...Object.keys(manifest.dependencies ?? {}).map((n) => ({name: n, optional: optionalOnly})),
      ...Object.keys(manifest.optionalDependencies ?? {}).map((n) => ({name: n, optional: true})),
    ];
    for (const dep of deps) {
      const at = await locate(dep.name, dir, root);
      if (!at) {
        if (dep.optional) continue;
        throw new Error(`${relative(root, dir) || 'the package'} needs ${dep.name}, which is not installed (run npm install)`);
      }
      const rel = relative(root, at);
      if (found.has(rel)) continue;
      found.add(rel);
      await visit(at, false);
    }
  };
  await visit(root, false);
  return [...found].sort();
}

/** Copies the package into dest; returns how many dependency folders went along. */
export async function copyPackage(root: string, dest: string, paths: string[]): Promise<number> {
  await mkdir(dest, {recursive: true});
  for (const entry of paths) {
    const from = join(root, entry);
    if (!(await lstat(from).catch(() => undefined))) continue;
    await cp(from, join(dest, entry), {recursive: true, verbatimSymlinks: true});
  }
  const deps = await productionDependencies(root);
  for (const rel of deps) await cp(join(root, rel), join(dest, rel), {recursive: true, verbatimSymlinks: true});
  return deps.length;
}

/**
 * A digest of everything copyPackage would copy (names, modes, sizes and contents), so the image is rebuilt
 * exactly when the package changed, whatever the version number says.
 */
export async function packageDigest(root: string, paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  // Synchronous on purpose: thousands of small files, and this runs at every `lab start` (0.15 s instead of 0.8 s).
  const walk = (rel: string): void => {
    let s;
    try {
      s = lstatSync(join(root, rel));
    } catch {
      return;
    }
    if (s.isDirectory()) {
      hash.update(`d ${rel}\n`);
      for (const name of readdirSync(join(root, rel)).sort()) walk(join(rel, name));
    } else if (s.isFile()) {
      hash.update(`f ${rel} ${s.mode & 0o777} ${s.size}\n`);
      hash.update(readFileSync(join(root, rel)));
    } else {
      hash.update(`o ${rel} ${s.mode}\n`);
    }
  };
  for (const entry of paths) walk(entry);
  // Dependencies by name and version; their contents are what the lockfile pinned.
  for (const rel of await productionDependencies(root)) {
    const m = await manifestOf(join(root, rel));
    hash.update(`dep ${rel} ${m?.version ?? '?'}\n`);
  }
  return hash.digest('hex');
}
