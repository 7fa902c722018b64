import {copyFileSync, mkdtempSync, renameSync, unlinkSync} from 'node:fs';
import {rm} from 'node:fs/promises';
import {join} from 'node:path';

/**
 * Keeps the content of files that the tar-split record points to. When a later entry of the
 * same archive replaces such a file, its content is moved here instead of deleted, and is
 * inlined into the record once the archive is done.
 */
export class RefStash {
  private readonly live = new Map<string, number>();
  /** Reference id → stashed copy. */
  readonly moved = new Map<number, string>();
  private dir: string | undefined;

  constructor(private readonly besidePath: string) {}

  track(rel: string, id: number): void {
    this.live.set(rel, id);
  }

  /** Moves the file at `rel` away if the record still needs it; true when it did. */
  take(rel: string, abs: Buffer): boolean {
    const id = this.live.get(rel);
    if (id === undefined) return false;
    this.live.delete(rel);
    this.dir ??= mkdtempSync(`${this.besidePath}.stash-`);
    const dest = join(this.dir, String(id));
    try {
      renameSync(abs, dest);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      copyFileSync(abs, dest);
      unlinkSync(abs);
    }
    this.moved.set(id, dest);
    return true;
  }

  async cleanup(): Promise<void> {
    if (this.dir !== undefined) await rm(this.dir, {recursive: true, force: true});
  }
}
