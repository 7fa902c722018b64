import {rm} from 'node:fs/promises';
import {extractEntry} from './extract.js';
import {openLayerInput, type LayerInput} from './input.js';
import {LayerFs} from './layer-fs.js';
import {RefStash} from './stash.js';
import {TarSplitWriter} from './tar-split.js';
import {TarWalker} from './tar-walker.js';

export interface AppliedLayer {
  /** "sha256:<hex>" of the exact uncompressed tar bytes. */
  diffId: string;
  /** Sum of the sizes of the regular files and symlinks unpacked, as dockerd counts a layer. */
  size: number;
}

export interface ApplyOptions {
  /** Where to write the record that lets assembleLayerTar rebuild the original tar. */
  tarSplitPath: string;
}

/**
 * Unpacks a layer tar (or gzip-compressed tar) into an empty overlay2 diff dir, converting
 * OCI whiteouts to overlayfs form, and records a tar-split. Hostile archives are refused with
 * a LayerError; entries are only ever created inside diffDir (the tar-split and a temporary
 * stash beside it are the only other files written). On failure diffDir holds a partial
 * layer that the caller should discard; no tar-split is left behind.
 */
export async function applyLayerTar(input: LayerInput, diffDir: string, opts: ApplyOptions): Promise<AppliedLayer> {
  const source = await openLayerInput(input);
  const split = new TarSplitWriter(opts.tarSplitPath);
  const stash = new RefStash(opts.tarSplitPath);
  const fs = new LayerFs(diffDir, (rel, abs) => stash.take(rel, abs));
  const walker = new TarWalker(source, (bytes) => split.raw(bytes));
  let size = 0;
  try {
    for (;;) {
      const entry = await walker.next();
      if (entry === null) break;
      size += await extractEntry(entry, {fs, walker, split, stash});
    }
    await fs.finish();
    await split.finish(source.offset);
    await stash.inlineInto(opts.tarSplitPath);
    return {diffId: `sha256:${source.digest()}`, size};
  } catch (error) {
    await split.abort();
    await rm(opts.tarSplitPath, {force: true});
    await source.close().catch(() => {});
    throw error;
  } finally {
    await stash.cleanup();
  }
}
