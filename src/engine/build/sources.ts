/**
 * COPY/ADD sources: globs matched inside a root (the context or another stage's filesystem), every path
 * resolved with its symlinks confined to that root, and the content hash that names the sources in the
 * history (`COPY file:<sha256> in /dst`) and decides whether the cache holds the step.
 */
import {createHash, type Hash} from 'node:crypto';
import {closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats} from 'node:fs';
import {basename, posix} from 'node:path';
import {resolveInRoot, RootfsPathError} from '../util/rootfs-path.js';

export interface SourceMatch {
  /** The path inside the root, as matched (before following a final symlink). */
  rel: string;
  /** Host path after resolving symlinks inside the root. */
  abs: string;
  stats: Stats;
}

export class SourceNotFound extends Error {
  override name = 'SourceNotFound';
}

export function hasGlob(pattern: string): boolean {
  return /(^|[^\\])[*?[]/.test(pattern);
}

/** One path component's pattern as a RegExp: `*`, `?`, `[a-z]`, `[^a-z]`, `\x` (Go's filepath.Match). */
function componentRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (ch === '*') {
      source += '[^/]*';
    } else if (ch === '?') {
      source += '[^/]';
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new Error(`syntax error in pattern ${pattern}`);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^') || body.startsWith('!');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else {
      source += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

const unescape = (part: string) => part.replace(/\\(.)/g, '$1');

/** The name itself exists (a symlink counts even when its target does not, so the error can say so). */
function existsIn(root: string, rel: string): boolean {
  return lstatSync(resolveInRoot(root, rel, false), {throwIfNoEntry: false}) !== undefined;
}

/** Paths in `root` that a (possibly wildcard) source names, sorted; `..` cannot climb out of the root. */
function expand(root: string, source: string): string[] {
  const parts = posix.normalize('/' + source).split('/').filter(Boolean);
  let candidates = [''];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of candidates) {
      if (!hasGlob(part)) {
        next.push(dir ? `${dir}/${unescape(part)}` : unescape(part));
        continue;
      }
      const dirPath = resolveInRoot(root, dir);
      if (!lstatSync(dirPath, {throwIfNoEntry: false})?.isDirectory()) continue;
      const re = componentRegExp(part);
      for (const name of readdirSync(dirPath).sort()) if (re.test(name)) next.push(dir ? `${dir}/${name}` : name);
    }
    candidates = next;
  }
  return candidates.filter((c) => existsIn(root, c));
}

/** The sources one COPY/ADD argument names; a missing plain path is an error, an empty wildcard is not. */
export function findSources(root: string, source: string, label = 'build context'): SourceMatch[] {
  try {
    return find(root, source, label);
  } catch (error) {
    if (error instanceof RootfsPathError) throw new SourceNotFound(`stat ${source}: ${error.message} (symlinks are followed inside the ${label})`);
    throw error;
  }
}

function find(root: string, source: string, label: string): SourceMatch[] {
  const rels = expand(root, source);
  if (rels.length === 0 && !hasGlob(source)) {
    throw new SourceNotFound(`stat ${posix.normalize(source).replace(/^\/+/, '') || '.'}: file does not exist`);
  }
  return rels.map((rel) => {
    const abs = resolveInRoot(root, rel);
    const stats = lstatSync(abs, {throwIfNoEntry: false});
    if (!stats) {
      // The name is a symlink whose target, resolved inside the root, is not there (a link to a host file).
      const link = readlinkSync(resolveInRoot(root, rel, false));
      throw new SourceNotFound(`stat ${rel}: file does not exist (${rel} is a symlink to ${link}, which is looked up inside the ${label}, never on the host)`);
    }
    return {rel, abs, stats};
  });
}

const CHUNK = 1024 * 1024;

function hashFile(hash: Hash, path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'dir';
  if (stats.isFile()) return 'file';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'special';
}

/** Name, type, mode, owner, size, link target and bytes of everything copied; mtimes are left out, as Docker does. */
function hashEntry(hash: Hash, abs: string, name: string, stats: Stats): void {
  const link = stats.isSymbolicLink() ? readlinkSync(abs) : '';
  const size = stats.isFile() ? stats.size : 0;
  hash.update(`${kindOf(stats)}\0${name}\0${(stats.mode & 0o7777).toString(8)}\0${stats.uid}:${stats.gid}\0${size}\0${link}\0${stats.rdev}\n`);
  if (stats.isFile()) hashFile(hash, abs);
  if (stats.isDirectory()) {
    for (const child of readdirSync(abs).sort()) {
      const childPath = `${abs}/${child}`;
      hashEntry(hash, childPath, name === '' ? child : `${name}/${child}`, lstatSync(childPath));
    }
  }
}

/** `file:<hex>` for one file, `dir:<hex>` for one directory, `multi:<hex>` for several, as in Docker's history. */
export function hashSources(matches: SourceMatch[], extra = ''): string {
  const hash = createHash('sha256');
  hash.update(extra);
  for (const m of matches) {
    // A directory's own name is not copied, only its contents; a file keeps its name when copied into a directory.
    hashEntry(hash, m.abs, m.stats.isDirectory() ? '' : basename(m.rel), m.stats);
    hash.update('\0end\n');
  }
  const kind = matches.length === 1 ? (matches[0]!.stats.isDirectory() ? 'dir' : 'file') : 'multi';
  return `${kind}:${hash.digest('hex')}`;
}
