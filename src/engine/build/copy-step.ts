/**
 * COPY and ADD: sources from the context (or `--from` a stage or image), the destination relative to WORKDIR,
 * Docker's rules for where a file lands, `--chown`/`--chmod`, and ADD's extraction of local tar archives.
 * The files are written into a BuildRoot of the current image; its upper dir becomes the step's layer.
 */
import {createReadStream, lstatSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {basename, join, posix} from 'node:path';
import {chainIds} from '../images/digest.js';
import {applyLayerTar, LayerError} from '../layers/index.js';
import {archiveKind} from './archive-sniff.js';
import {BuildRoot} from './build-root.js';
import {parseChmod, resolveChown, type Owner} from './chown.js';
import {commitStep, currentConfig} from './commit.js';
import {copyChildren, copyEntry, ensureDirectory, prepareFileTarget} from './copy-files.js';
import {at, BuildError, SyntaxProblem} from '../dockerfile/errors.js';
import type {InstructionOf} from '../dockerfile/instructions.js';
import {resolveInRoot} from '../util/rootfs-path.js';
import {expandWord, expandWords} from '../dockerfile/shell-words.js';
import {findSources, hashSources, SourceNotFound, type SourceMatch} from './sources.js';
import {configOf, shellOf, stageLookup, topChain, type StageState} from './state.js';
import {tryCache, type SourceRoot, type StepContext} from './step-context.js';

type CopyInstruction = InstructionOf<'COPY' | 'ADD'>;

const urlRe = /^[a-z][a-z0-9+.-]*:\/\//i;

interface Planned {
  match: SourceMatch;
  /** Extract instead of copying (ADD of a local tar). */
  extract: boolean;
}

function expandArgs(ins: CopyInstruction, state: StageState) {
  const lookup = stageLookup(state);
  const word = (text: string | undefined) => (text === undefined ? undefined : expandWord(text, lookup, ins.escape));
  try {
    const list = ins.json ? ins.words.map((w) => word(w)!) : ins.words.flatMap((w) => expandWords(w, lookup, ins.escape));
    if (list.length < 2) throw at(ins.source, `${ins.kind} requires at least two arguments, but only one was provided. Destination could not be determined.`);
    return {sources: list.slice(0, -1), dest: list.at(-1)!, from: word(ins.from), chown: word(ins.chown), chmod: word(ins.chmod)};
  } catch (error) {
    if (error instanceof SyntaxProblem) throw at(ins.source, `${ins.kind}: ${error.message}`);
    throw error;
  }
}

async function plan(ins: CopyInstruction, source: SourceRoot, sources: string[]): Promise<Planned[]> {
  const planned: Planned[] = [];
  for (const src of sources) {
    if (urlRe.test(src) || /^git@/.test(src)) {
      if (ins.kind === 'ADD') throw at(ins.source, 'ADD from a URL is not supported: this lab engine has no network. Download the file into the build context and COPY it');
      throw at(ins.source, `COPY failed: source can't be a URL for COPY: ${src}`);
    }
    let matches: SourceMatch[];
    try {
      matches = findSources(source.root, src, source.label);
    } catch (error) {
      if (!(error instanceof SourceNotFound)) throw error;
      const where = source.label === 'build context' ? 'file not found in build context or excluded by .dockerignore' : `file not found in ${source.label}`;
      throw at(ins.source, `${ins.kind} failed: ${where}: ${error.message}`);
    }
    for (const match of matches) {
      let extract = false;
      if (ins.kind === 'ADD' && match.stats.isFile()) {
        const kind = await archiveKind(match.abs);
        if (kind === 'bzip2' || kind === 'xz' || kind === 'zstd') {
          throw at(ins.source, `ADD ${src}: ${kind}-compressed archives are not supported by this builder; use a plain or gzip tar`);
        }
        extract = kind === 'tar' || kind === 'gzip';
      }
      planned.push({match, extract});
    }
  }
  if (planned.length === 0) throw at(ins.source, `${ins.kind} failed: no source files were specified`);
  return planned;
}

/** ADD of an archive: unpacked with the layer code's safety rules into scratch space, then merged into place. */
async function extractInto(ctx: StepContext, archive: string, root: string, dest: string, owner: Owner): Promise<void> {
  mkdirSync(ctx.tmpDir, {recursive: true, mode: 0o700});
  const scratch = mkdtempSync(join(ctx.tmpDir, 'add-'));
  try {
    const tree = join(scratch, 'tree');
    mkdirSync(tree, {mode: 0o755});
    await applyLayerTar(createReadStream(archive), tree, {tarSplitPath: join(scratch, 'tar-split.json.gz')});
    // Archive entries keep their own owners and modes, as in Docker.
    await copyChildren(tree, ensureDirectory(root, dest, owner), {});
  } finally {
    rmSync(scratch, {recursive: true, force: true});
  }
}

async function place(ctx: StepContext, root: string, item: Planned, dest: string, intoDirectory: boolean, owner: Owner, mode: number | undefined): Promise<void> {
  const {match} = item;
  if (item.extract) return extractInto(ctx, match.abs, root, dest, owner);
  if (match.stats.isDirectory()) {
    await copyChildren(match.abs, ensureDirectory(root, dest, owner), {owner, mode});
    return;
  }
  // A file goes into a directory when the destination says so (trailing slash) or already is one.
  const existing = lstatSync(resolveInRoot(root, dest), {throwIfNoEntry: false});
  const target = intoDirectory || existing?.isDirectory() ? posix.join(dest, basename(match.rel)) : dest;
  await copyEntry(match.abs, match.stats, prepareFileTarget(root, target, owner), {owner, mode});
}

export async function copyStep(ctx: StepContext, state: StageState, ins: CopyInstruction): Promise<void> {
  const args = expandArgs(ins, state);
  let mode: number | undefined;
  try {
    mode = args.chmod === undefined ? undefined : parseChmod(args.chmod);
  } catch (error) {
    throw at(ins.source, (error as Error).message);
  }
  const source: SourceRoot = args.from !== undefined
    ? await ctx.openSource(args.from, ins)
    : {root: ctx.contextRoot, label: 'build context', release: async () => {}};
  try {
    const items = await plan(ins, source, args.sources);
    const intoDirectory = /\/\.?$/.test(args.dest) || args.dest === '.';
    if (items.length > 1 && !intoDirectory) {
      throw at(ins.source, `When using ${ins.kind} with more than one source file, the destination must be a directory and end with a /`);
    }
    const workdir = configOf(state).WorkingDir || '/';
    const dest = posix.isAbsolute(args.dest) ? posix.normalize(args.dest) : posix.join(workdir, args.dest);
    const flags = [args.from !== undefined && `--from=${args.from}`, args.chown && `--chown=${args.chown}`, args.chmod && `--chmod=${args.chmod}`].filter(Boolean);
    const hash = hashSources(items.map((i) => i.match), items.map((i) => (i.extract ? 'x' : '-')).join(''));
    const createdBy = `${shellOf(state).join(' ')} #(nop) ${ins.kind} ${[...flags, hash].join(' ')} in ${args.dest} `;
    const config = currentConfig(state);
    if (tryCache(ctx, state, createdBy, config)) return;

    const target = await BuildRoot.open(ctx.images.layers, topChain(state), ctx.mountRoot);
    try {
      let owner: Owner = {uid: 0, gid: 0};
      if (args.chown) {
        try {
          owner = resolveChown(target.root, args.chown);
        } catch (error) {
          throw at(ins.source, `${ins.kind} --chown=${args.chown}: ${(error as Error).message}`);
        }
      }
      for (const item of items) {
        try {
          await place(ctx, target.root, item, dest, intoDirectory, owner, mode);
        } catch (error) {
          if (error instanceof BuildError) throw error;
          const reason = error instanceof LayerError ? `cannot extract ${item.match.rel}: ${error.message}` : (error as Error).message;
          throw at(ins.source, `${ins.kind} failed: ${reason}`);
        }
      }
      const changes = await target.changes();
      let diffId: string | undefined;
      if (changes) {
        const staged = await ctx.images.layers.stage(changes);
        ctx.images.layers.commit(staged, chainIds(state.image.rootfs.diff_ids).at(-1));
        diffId = staged.diffId;
      }
      commitStep(ctx.images, state, {createdBy, config, diffId});
    } finally {
      await target.discard();
    }
  } finally {
    await source.release();
  }
}
