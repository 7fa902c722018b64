/**
 * Host-side facts for overlay labs: directory listings (with whiteouts) and the overlay mounts of the mount
 * table, their layer paths resolved the way the kernel resolved them when they were mounted.
 */
import {readdirSync} from 'node:fs';
import {isAbsolute, join, posix} from 'node:path';
import {overlays, parseMountinfo} from '../../../graders/mounts.js';
import {readMountinfo, realPathOf} from '../../common/mount-table.js';
import {fileInfo} from './file-info.js';
import type {DirListing, OverlayMount} from '../../../graders/snapshot.js';

const maxEntries = 2000;
const maxDepth = 8;

/** Every entry below `path` (not following symlinks), relative paths as keys. */
export function dirListing(path: string, contains: string[] = []): DirListing {
  const top = fileInfo(path);
  const listing: DirListing = {path, exists: top.exists && top.type === 'dir', entries: {}};
  if (!listing.exists) return listing;
  const walk = (rel: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(join(path, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (Object.keys(listing.entries).length >= maxEntries) {
        listing.truncated = true;
        return;
      }
      const r = rel ? `${rel}/${name}` : name;
      const info = fileInfo(join(path, r), contains);
      listing.entries[r] = {...info, path: r};
      if (info.type === 'dir' && depth < maxDepth) walk(r, depth + 1);
    }
  };
  walk('', 0);
  return listing;
}

const resolve = (p: string) => (isAbsolute(p) ? realPathOf(posix.normalize(p)) : p);

/** Overlay mounts in this process's mount namespace (the collector runs in the host's). */
export function overlayMounts(mountinfo: string = readMountinfo()): OverlayMount[] {
  return overlays(parseMountinfo(mountinfo)).map((o) => ({
    ...o,
    resolved: {lower: o.lower.map(resolve), upper: o.upper && resolve(o.upper), work: o.work && resolve(o.work)},
  }));
}
