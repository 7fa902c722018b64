import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {BuildError} from '../support/errors.js';

/** What a suite's Release file says about the Packages indexes debootstrap resolves from. */
export interface IndexState {
  /** The Release file's Date field, for messages. */
  date: string;
  /** "<component>/binary-<arch>/Packages <sha256>" per component, sorted. */
  packages: string[];
  /** Where the Release text came from. */
  from: 'mirror' | 'apt lists' | 'debootstrap';
}

const APT_LISTS = '/var/lib/apt/lists';
const FETCH_TIMEOUT_MS = 10_000;

/**
 * Reads the SHA256 entries of the uncompressed Packages index of each component. debootstrap
 * picks packages from exactly these indexes, so equal hashes mean it resolves the same versions.
 */
export function parseRelease(text: string, components: string[], architecture: string, from: IndexState['from']): IndexState {
  // InRelease is clearsigned: fields sit between the PGP armour lines.
  const body = text.replace(/^-----BEGIN PGP SIGNED MESSAGE-----\n(?:Hash:.*\n)*\n/, '').replace(/\n-----BEGIN PGP SIGNATURE-----[\s\S]*$/, '\n');
  const date = /^Date:\s*(.+)$/m.exec(body)?.[1]?.trim() ?? 'unknown';
  const sha256 = new Map<string, string>();
  const section = /^SHA256:\n((?:[ \t].*\n?)*)/m.exec(body)?.[1] ?? '';
  for (const line of section.split('\n')) {
    const [hash, , path] = line.trim().split(/\s+/);
    if (hash && path) sha256.set(path, hash);
  }
  const packages = components.map((c) => {
    const path = `${c}/binary-${architecture}/Packages`;
    const hash = sha256.get(path);
    if (!hash) throw new BuildError(`the Release file (${from}) lists no SHA256 for ${path}`);
    return `${path} ${hash}`;
  });
  return {date, packages: packages.sort(), from};
}

/** apt's name for a file of a source in /var/lib/apt/lists ("deb.debian.org_debian_dists_..."). */
export function aptListName(uri: string, rest: string): string {
  const noScheme = uri.replace(/^[a-z0-9+.-]+:\/\/(?:[^@/]*@)?/i, '').replace(/\/+$/, '');
  return `${noScheme}/${rest}`.replace(/_/g, '%5f').replace(/\//g, '_');
}

async function fetchText(url: string): Promise<string | undefined> {
  if (url.startsWith('file:')) return readFile(fileURLToPath(url), 'utf8').catch(() => undefined);
  try {
    const response = await fetch(url, {signal: AbortSignal.timeout(FETCH_TIMEOUT_MS)});
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The index state debootstrap would see now: the mirror's InRelease (or Release), else apt's
 * own copy from the last apt-get update, so a cached image is still found without network.
 */
export async function currentIndexState(mirror: string, suite: string, components: string[], architecture: string): Promise<IndexState> {
  for (const name of ['InRelease', 'Release']) {
    const text = await fetchText(`${mirror}/dists/${suite}/${name}`);
    if (text !== undefined) return parseRelease(text, components, architecture, 'mirror');
  }
  for (const name of ['InRelease', 'Release']) {
    const text = await readFile(join(APT_LISTS, aptListName(mirror, `dists/${suite}/${name}`)), 'utf8').catch(() => undefined);
    if (text !== undefined) return parseRelease(text, components, architecture, 'apt lists');
  }
  throw new BuildError(`cannot read ${mirror}/dists/${suite}/InRelease, and apt has no copy of it (run apt-get update?)`);
}
