/**
 * Which registry blob a layer was pulled as or pushed as, kept as dockerd keeps it
 * (image/overlay2/distribution/v2metadata-by-diffid/sha256/<diff id hex>: [{Digest, SourceRepository}]), so a push
 * finds a layer's blob in the registry by HEAD or mount instead of compressing and uploading it again.
 * Entries are matched by digest and repository; a newer one replaces an older one (its size may be known now).
 */
import {mkdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {hex} from '../images/digest.js';
import {writeFileAtomic} from '../util/fs-atomic.js';

export interface BlobSource {
  Digest: string;
  /** `127.0.0.1:5000/app`, `docker.io/library/busybox`. */
  SourceRepository: string;
  /**
   * The blob's size, so a mount needs no HEAD after it. dockerd's file has no such field and ignores it; entries
   * dockerd wrote lack it.
   */
  Size?: number;
}

export class BlobSources {
  private readonly dir: string;
  constructor(imageRoot: string) {
    this.dir = join(imageRoot, 'distribution', 'v2metadata-by-diffid', 'sha256');
  }

  get(diffId: string): BlobSource[] {
    try {
      const data = JSON.parse(readFileSync(join(this.dir, hex(diffId)), 'utf8')) as unknown;
      return Array.isArray(data) ? data.filter((d): d is BlobSource => typeof d?.Digest === 'string' && typeof d?.SourceRepository === 'string') : [];
    } catch {
      return [];
    }
  }

  add(diffId: string, source: BlobSource): void {
    const known = this.get(diffId).filter((s) => !(s.Digest === source.Digest && s.SourceRepository === source.SourceRepository));
    mkdirSync(this.dir, {recursive: true, mode: 0o700});
    // Newest first, and a bounded list: a layer pushed to many repositories keeps the latest few. Not fsynced: it
    // is a cache, and one lost in a crash costs a layer compressed again, while an fsync per layer slows every pull.
    writeFileAtomic(join(this.dir, hex(diffId)), JSON.stringify([source, ...known].slice(0, 20)), 0o600, {sync: false});
  }
}
