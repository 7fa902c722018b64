/**
 * What the engine's store says about a built image: its config, size, history and layer dirs, and the program
 * its ENTRYPOINT/CMD names, read from the layer dirs themselves (never the copy the student handed in).
 */
import {readlinkSync} from 'node:fs';
import {join, posix} from 'node:path';
import {fileInfo} from '../grading/file-info.js';
import type {FileInfo} from '../../../graders/snapshot.js';
import {findInLayers, resolveInLayers} from '../grading/union-fs.js';
import {type EngineClient, type ImageInspect, unlessNotFound} from '../../engine/client/index.js';

export interface ImageFacts {
  id: string;
  size: number;
  argv: string[];
  layers: number;
  /** Layer dirs in the engine's store, top first. */
  layerDirs: string[];
  history: Array<{created: number; createdBy: string; size: number}>;
  /** The program argv[0] names, resolved through the layers; undefined when there is no ENTRYPOINT or CMD. */
  program?: FileInfo;
}

/** Resolves `path` in the union, following a symlink at the end too (inside the layers, never on the host). */
function resolveProgram(dirs: string[], path: string): string {
  let rel = resolveInLayers(dirs, path);
  for (let hops = 0; hops < 16; hops++) {
    const found = findInLayers(dirs, rel);
    if (!found?.stat.isSymbolicLink()) break;
    const target = readlinkSync(join(found.dir, rel));
    rel = resolveInLayers(dirs, target.startsWith('/') ? target : posix.join('/', posix.dirname(rel), target));
  }
  return rel;
}

function programPath(dirs: string[], argv0: string, config: NonNullable<ImageInspect['Config']>): string {
  if (argv0.includes('/')) return posix.resolve(config.WorkingDir || '/', argv0);
  const path = (config.Env ?? []).find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  for (const dir of path.split(':').filter((d) => d.startsWith('/'))) {
    const candidate = posix.join(dir, argv0);
    if (findInLayers(dirs, resolveProgram(dirs, candidate))) return candidate;
  }
  return posix.join('/', argv0);
}

export async function imageFacts(engine: EngineClient, ref: string): Promise<ImageFacts | undefined> {
  const image = await unlessNotFound(engine.inspectImage(ref));
  if (!image) return undefined;
  const history = (await unlessNotFound(engine.imageHistory(image.Id))) ?? [];
  const data = image.GraphDriver.Data ?? {};
  const layerDirs = [data.UpperDir, ...(data.LowerDir ?? '').split(':')].filter((d): d is string => Boolean(d));
  const config = image.Config ?? {};
  const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  const facts: ImageFacts = {
    id: image.Id, size: image.Size, argv, layers: image.RootFS?.Layers?.length ?? 0, layerDirs,
    history: history.reverse().map((h) => ({created: h.Created, createdBy: h.CreatedBy, size: h.Size})),
  };
  if (argv.length > 0 && argv[0] !== '') {
    const path = programPath(layerDirs, argv[0], config);
    const rel = resolveProgram(layerDirs, path);
    const found = findInLayers(layerDirs, rel);
    facts.program = found ? {...fileInfo(join(found.dir, rel)), path} : {path, exists: false};
  }
  return facts;
}
