import {compareNames, type TarEntry, writeDeterministicTar} from './tar-writer.js';
import type {Rootfs} from './rootfs.js';

export interface LayerInfo {
  /** sha256:<hex> of the uncompressed layer tar (the image's diff_id). */
  diffId: string;
  size: number;
}

/** Writes the rootfs as an uncompressed, byte-for-byte reproducible layer tar. */
export async function writeLayer(fs: Rootfs, mtimeSeconds: number, dest: string): Promise<LayerInfo> {
  const {sha256, size} = await writeDeterministicTar(dest, toTarEntries(fs), mtimeSeconds);
  return {diffId: `sha256:${sha256}`, size};
}

/**
 * Maps rootfs paths to tar entries. A hard-linked group is written as tar expects: the
 * member that sorts first carries the data and the others link to it, whichever of them
 * the recipe called the original.
 */
export function toTarEntries(fs: Rootfs): TarEntry[] {
  const groups = new Map<string, string[]>();
  for (const [path, entry] of fs) {
    if (entry.type === 'hardlink') groups.set(entry.target, [...(groups.get(entry.target) ?? [entry.target]), path]);
  }
  const carrierOf = new Map<string, string>();
  for (const members of groups.values()) {
    const carrier = [...members].sort(compareNames)[0]!;
    for (const m of members) carrierOf.set(m, carrier);
  }

  const entries: TarEntry[] = [];
  for (const [path, entry] of fs) {
    if (path === '/') continue;
    const name = path.slice(1);
    const carrier = carrierOf.get(path);
    if (carrier !== undefined && carrier !== path) {
      entries.push({name, type: 'link', linkname: carrier.slice(1)});
      continue;
    }
    const data = entry.type === 'hardlink' ? fs.get(entry.target) : entry;
    switch (data?.type) {
      case 'directory':
        entries.push({name, type: 'directory', mode: data.mode});
        break;
      case 'symlink':
        entries.push({name, type: 'symlink', linkname: data.target});
        break;
      case 'file':
        entries.push('data' in data.content ? {name, type: 'file', mode: data.mode, data: data.content.data} : {name, type: 'file', mode: data.mode, file: data.content.path, size: data.content.size});
        break;
      default:
        throw new Error(`${path}: hard link to ${entry.type === 'hardlink' ? entry.target : path}, which is not a regular file`);
    }
  }
  return entries;
}
