/**
 * The build context: the tar the client sends, unpacked into a private dir under <data-root>/tmp with the
 * layer code's hostile-input rules (no `..` escapes, no absolute names, nothing written through a symlink,
 * hardlinks only to entries inside). Symlinks stay symlinks; whoever follows them does so inside the context.
 */
import {lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {join, posix} from 'node:path';
import {Readable} from 'node:stream';
import {applyLayerTar, LayerError} from '../layers/index.js';
import {resolveInRoot} from '../util/rootfs-path.js';
import {compressionOf, isTarHeader} from './archive-sniff.js';
import {BuildError} from '../dockerfile/errors.js';

export interface BuildContext {
  /** The private temp dir; holds the context and any scratch space a step needs. */
  dir: string;
  /** The unpacked context. */
  root: string;
  cleanup(): void;
}

/**
 * Reads the first bytes of a stream and hands back a stream that still yields everything, and `drain` to read
 * whatever the consumer left (tar padding, or all of a refused body) so the client can read the reply.
 */
async function peek(input: Readable, size: number): Promise<{head: Buffer; stream: Readable; drain: () => Promise<void>}> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* chunks;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const drain = async () => {
    try {
      while (!(await iterator.next()).done);
    } catch {
      // the client went away: nothing left to read
    }
  };
  return {head: Buffer.concat(chunks), stream: Readable.from(replay(), {objectMode: false}), drain};
}

export async function receiveContext(body: Readable, tmpRoot: string): Promise<BuildContext> {
  mkdirSync(tmpRoot, {recursive: true, mode: 0o700});
  const dir = mkdtempSync(join(tmpRoot, 'build-'));
  const root = join(dir, 'context');
  const cleanup = () => rmSync(dir, {recursive: true, force: true});
  let drain = async () => {};
  try {
    mkdirSync(root, {mode: 0o755});
    const peeked = await peek(body, 512);
    const {head, stream} = peeked;
    drain = peeked.drain;
    if (head.length === 0) throw new BuildError('the build context is empty: expected a tar archive holding the Dockerfile');
    const compression = compressionOf(head);
    if (compression !== 'none' && compression !== 'gzip') {
      throw new BuildError(`the build context is ${compression}-compressed; this engine reads plain or gzip tar archives`);
    }
    if (compression === 'none' && !isTarHeader(head)) {
      throw new BuildError('the build context is not a tar archive (its first block is not a tar header): send a tar of the context directory');
    }
    const tarSplitPath = join(dir, 'context.tar-split.json.gz');
    await applyLayerTar(stream, root, {tarSplitPath});
    rmSync(tarSplitPath, {force: true});
    await drain();
    return {dir, root, cleanup};
  } catch (error) {
    cleanup();
    await drain();
    if (error instanceof LayerError) throw new BuildError(`invalid build context: ${error.message}`);
    throw error;
  }
}

/** `.dockerignore` patterns, for the two files the client always sends even when ignored. */
function ignorePatterns(root: string): Array<{pattern: RegExp; exclude: boolean}> {
  let text: string;
  try {
    text = readFileSync(resolveInRoot(root, '.dockerignore'), 'utf8');
  } catch {
    return [];
  }
  const patterns: Array<{pattern: RegExp; exclude: boolean}> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exclude = line.startsWith('!');
    const clean = posix.normalize(exclude ? line.slice(1).trim() : line).replace(/^\/+/, '');
    const source = clean
      .split(/(\*\*|\*|\?)/)
      .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    patterns.push({pattern: new RegExp(`^${source}(/.*)?$`), exclude});
  }
  return patterns;
}

/**
 * dockerd's rule: the Dockerfile and .dockerignore reach the daemon even when .dockerignore lists them, and the
 * daemon drops them from the context after reading the Dockerfile, so `COPY . /` does not copy them.
 */
function dropIgnoredBuildFiles(root: string, dockerfile: string): void {
  const patterns = ignorePatterns(root);
  if (patterns.length === 0) return;
  for (const name of [dockerfile, '.dockerignore']) {
    let ignored = false;
    for (const p of patterns) if (p.pattern.test(name)) ignored = !p.exclude;
    if (!ignored) continue;
    const path = resolveInRoot(root, name, false);
    rmSync(path, {force: true});
  }
}

/** The Dockerfile's text, found inside the context (`-f sub/Dockerfile.dev` is a path in the context). */
export function readDockerfile(ctx: BuildContext, name: string): {text: string; name: string} {
  const wanted = posix.normalize(name || 'Dockerfile').replace(/^\/+/, '');
  const candidates = wanted === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [wanted];
  for (const candidate of candidates) {
    let path: string;
    try {
      path = resolveInRoot(ctx.root, candidate);
    } catch (error) {
      throw new BuildError(`Cannot locate specified Dockerfile: ${candidate}: ${(error as Error).message}`);
    }
    const stats = lstatSync(path, {throwIfNoEntry: false});
    if (!stats) continue;
    if (!stats.isFile()) throw new BuildError(`the Dockerfile (${candidate}) is not a regular file`);
    const text = readFileSync(path, 'utf8');
    if (text.trim() === '') throw new BuildError(`the Dockerfile (${candidate}) cannot be empty`);
    dropIgnoredBuildFiles(ctx.root, candidate);
    return {text, name: candidate};
  }
  throw new BuildError(`Cannot locate specified Dockerfile: ${name || 'Dockerfile'}`);
}
