import {mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {BuildError} from '../support/errors.js';
import {run} from '../support/exec.js';
import {sha256File, tempSibling} from '../support/hash.js';
import type {PackageSpec} from '../recipe/types.js';

/** One exact .deb as apt's package index describes it. */
export interface ResolvedPackage {
  name: string;
  version: string;
  architecture: string;
  /** File name apt-get download gives it (epoch colon escaped as %3a). */
  filename: string;
  sha256: string;
  size: number;
}

const APT_LISTS = '/var/lib/apt/lists';
/** Where apt itself keeps downloaded .debs; reused when the checksum matches. */
export const APT_ARCHIVES = '/var/cache/apt/archives';
const PREFERENCES = ['/etc/apt/preferences', '/etc/apt/preferences.d'];

interface ResolutionMemo {
  signature: string;
  packages: Record<string, ResolvedPackage>;
}

/**
 * Resolves packages to exact versions and checksums. Asking apt-cache costs about a second
 * per call here (no pkgcache.bin), so answers are remembered until apt's lists or pin
 * preferences change; that keeps a cached image build free of any apt process.
 */
export async function resolvePackages(specs: PackageSpec[], architecture: string, debsDir: string): Promise<ResolvedPackage[]> {
  const memoFile = join(debsDir, 'resolved.json');
  const signature = await aptStateSignature();
  let memo: ResolutionMemo = {signature, packages: {}};
  try {
    const saved = JSON.parse(await readFile(memoFile, 'utf8')) as ResolutionMemo;
    if (saved.signature === signature) memo = saved;
  } catch {
    // No memo yet, or unreadable: start afresh.
  }

  let changed = false;
  const result: ResolvedPackage[] = [];
  for (const spec of specs) {
    const key = `${spec.name}:${architecture}${spec.version ? `=${spec.version}` : ''}`;
    let resolved = memo.packages[key];
    if (!resolved) {
      resolved = await aptCacheShow(key);
      memo.packages[key] = resolved;
      changed = true;
    }
    result.push(resolved);
  }

  if (changed) {
    await mkdir(debsDir, {recursive: true});
    const tmp = tempSibling(memoFile);
    await writeFile(tmp, JSON.stringify(memo, null, 2));
    await rename(tmp, memoFile);
  }
  return result;
}

async function aptStateSignature(): Promise<string> {
  const parts: string[] = [];
  const describe = async (path: string) => {
    try {
      const s = await stat(path);
      if (s.isDirectory()) {
        for (const name of (await readdir(path)).sort()) {
          const child = await stat(join(path, name)).catch(() => undefined);
          if (child?.isFile()) parts.push(`${join(path, name)} ${child.size} ${child.mtimeMs}`);
        }
      } else {
        parts.push(`${path} ${s.size} ${s.mtimeMs}`);
      }
    } catch {
      parts.push(`${path} absent`);
    }
  };
  for (const path of [APT_LISTS, ...PREFERENCES]) await describe(path);
  return parts.join('\n');
}

async function aptCacheShow(query: string): Promise<ResolvedPackage> {
  let stdout: Buffer;
  try {
    ({stdout} = await run('apt-cache', ['show', '--no-all-versions', query], {env: {...process.env, LC_ALL: 'C'}}));
  } catch (error) {
    throw new BuildError(`apt does not know package ${query} (run apt-get update?): ${(error as Error).message}`, {cause: error});
  }
  const fields = parseStanza(stdout.toString('utf8'));
  const name = fields.get('Package');
  const version = fields.get('Version');
  const architecture = fields.get('Architecture');
  const sha256 = fields.get('SHA256');
  const size = Number(fields.get('Size'));
  if (!name || !version || !architecture || !sha256 || !Number.isFinite(size)) {
    throw new BuildError(`apt-cache show ${query}: record lacks Package, Version, Architecture, Size or SHA256`);
  }
  const filename = `${name}_${version.replace(/:/g, '%3a')}_${architecture}.deb`;
  return {name, version, architecture, filename, sha256, size};
}

/** First stanza of an RFC 822-style control record; continuation lines are dropped. */
function parseStanza(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') break;
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (m) fields.set(m[1]!, m[2]!);
  }
  return fields;
}

/**
 * Returns a local path to the exact .deb: our own cache first, then the other folders given
 * (apt's archive cache by default), else apt-get download. A candidate whose checksum
 * differs is ignored.
 */
export async function fetchDeb(
  pkg: ResolvedPackage,
  debsDir: string,
  onDownload: () => void,
  searchDirs: string[] = [APT_ARCHIVES],
): Promise<{path: string; downloaded: boolean}> {
  for (const dir of [debsDir, ...searchDirs]) {
    const path = join(dir, pkg.filename);
    const digest = await sha256File(path).catch(() => undefined);
    if (digest === pkg.sha256) return {path, downloaded: false};
  }

  onDownload();
  await mkdir(debsDir, {recursive: true});
  // A private folder per download so parallel builds never see a half-written .deb.
  const tmp = await mkdtemp(join(debsDir, '.download-'));
  try {
    await run('apt-get', ['download', '-q', `${pkg.name}:${pkg.architecture}=${pkg.version}`], {cwd: tmp, env: {...process.env, LC_ALL: 'C'}});
    const got = join(tmp, pkg.filename);
    const digest = await sha256File(got).catch(() => undefined);
    if (digest === undefined) throw new BuildError(`apt-get download did not produce ${pkg.filename}`);
    if (digest !== pkg.sha256) throw new BuildError(`${pkg.filename}: sha256 ${digest} does not match apt's index (${pkg.sha256})`);
    const path = join(debsDir, pkg.filename);
    await rename(got, path);
    return {path, downloaded: true};
  } finally {
    await rm(tmp, {recursive: true, force: true});
  }
}
