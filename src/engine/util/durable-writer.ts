/**
 * Atomic and durable file writes done off the event loop. Each write goes to a temporary file, is fsynced
 * and renamed over the target on libuv's thread pool, so a crash leaves the old content or the new, never
 * part of either, and the daemon keeps serving while the disk catches up. Writes to one path are applied in
 * order; while one is in flight, later ones collapse into the newest (a container's create, start and exit
 * within a few milliseconds cost one or two fsyncs, not three).
 */
import {randomBytes} from './random.js';
import {open, rename, rm} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';

interface Slot {
  next: {data: Buffer; mode: number} | undefined;
  running: Promise<void> | undefined;
}

async function writeDurable(path: string, data: Buffer, mode: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmp, {force: true});
    throw error;
  }
  await handle.close();
  await rename(tmp, path);
}

export class DurableWriter {
  private readonly slots = new Map<string, Slot>();

  /** @param onError told of a write that failed for another reason than its directory being gone */
  constructor(private readonly onError: (path: string, error: Error) => void = () => {}) {}

  /** Queues `data` for `path`; resolves once it (or newer data for the same path) is on disk. */
  write(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
    let slot = this.slots.get(path);
    if (!slot) {
      slot = {next: undefined, running: undefined};
      this.slots.set(path, slot);
    }
    slot.next = {data: typeof data === 'string' ? Buffer.from(data) : data, mode};
    slot.running ??= this.drain(path, slot);
    return slot.running;
  }

  private async drain(path: string, slot: Slot): Promise<void> {
    while (slot.next) {
      const {data, mode} = slot.next;
      slot.next = undefined;
      try {
        await writeDurable(path, data, mode);
      } catch (error) {
        // A record removed meanwhile (its directory discarded) has nothing left to keep.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(path, error as Error);
      }
    }
    slot.running = undefined;
    this.slots.delete(path);
  }

  /** Resolves once what was queued for `path` so far is on disk. */
  written(path: string): Promise<void> {
    return this.slots.get(path)?.running ?? Promise.resolve();
  }

  /** Resolves once every write queued so far is on disk (at shutdown). */
  async flush(): Promise<void> {
    while (this.slots.size > 0) await Promise.all([...this.slots.values()].map((s) => s.running));
  }
}
