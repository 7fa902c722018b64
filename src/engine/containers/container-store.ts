/**
 * Container records on disk, where Docker keeps them: containers/<id>/config.v2.json and hostconfig.json,
 * beside the container's json log and its hosts/hostname/resolv.conf. Loaded at start-up, written on change.
 */
import {existsSync, mkdirSync, readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {conflict, invalidArgument, notFound} from '../errors.js';
import {discardDir} from '../util/discard.js';
import {DurableWriter} from '../util/durable-writer.js';
import {writeFileAtomic} from '../util/fs-atomic.js';
import type {ContainerRecord} from '../model/container.js';

export class ContainerStore {
  readonly root: string;
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly writer: DurableWriter;

  constructor(dataRoot: string, onWriteError?: (path: string, error: Error) => void) {
    this.writer = new DurableWriter(onWriteError);
    this.root = join(dataRoot, 'containers');
    mkdirSync(this.root, {recursive: true, mode: 0o710});
    for (const id of readdirSync(this.root)) {
      const file = join(this.root, id, 'config.v2.json');
      if (!existsSync(file)) continue;
      try {
        const record = JSON.parse(readFileSync(file, 'utf8')) as ContainerRecord;
        this.byId.set(record.ID, record);
      } catch {
        // A record cut short by a crash before its first complete write: nothing to restore.
      }
    }
  }

  dir(id: string): string {
    return join(this.root, id);
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()].sort((a, b) => Date.parse(b.Created) - Date.parse(a.Created));
  }

  /**
   * Keeps the record in memory at once and on disk shortly after (resolves when it is there): config.v2.json,
   * the record the engine loads at start-up, is fsynced and renamed off the event loop; hostconfig.json, a
   * copy for Docker's layout that the engine never reads back, is replaced whole without an fsync. A crash
   * leaves each file complete, at worst one state behind, which the start-up reconciles with the shims.
   */
  save(record: ContainerRecord): Promise<void> {
    mkdirSync(this.dir(record.ID), {recursive: true, mode: 0o710});
    this.byId.set(record.ID, record);
    writeFileAtomic(join(this.dir(record.ID), 'hostconfig.json'), JSON.stringify(record.HostConfig), 0o600, {sync: false});
    return this.writer.write(join(this.dir(record.ID), 'config.v2.json'), JSON.stringify(record));
  }

  /** The record's last save is on disk. */
  persisted(id: string): Promise<void> {
    return this.writer.written(join(this.dir(id), 'config.v2.json'));
  }

  /** Every record saved so far is on disk (at shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  delete(id: string): void {
    this.byId.delete(id);
    discardDir(this.dir(id), join(this.root, '..', 'tmp'));
  }

  byName(name: string): ContainerRecord | undefined {
    const wanted = `/${name.replace(/^\//, '')}`;
    return this.all().find((c) => c.Name === wanted);
  }

  /** By full ID, by name, or by a unique ID prefix — Docker's lookup order. */
  find(ref: string): ContainerRecord | undefined {
    const exact = this.byId.get(ref);
    if (exact) return exact;
    const named = this.byName(ref);
    if (named) return named;
    if (!/^[a-f0-9]+$/.test(ref)) return undefined;
    const matches = [...this.byId.keys()].filter((id) => id.startsWith(ref));
    if (matches.length > 1) throw invalidArgument(`multiple IDs found with provided prefix: ${ref}`);
    return matches.length === 1 ? this.byId.get(matches[0]) : undefined;
  }

  get(ref: string): ContainerRecord {
    const found = this.find(ref);
    if (!found) throw notFound(`No such container: ${ref}`);
    return found;
  }

  claimName(name: string, id: string): void {
    const holder = this.byName(name);
    if (holder && holder.ID !== id) {
      throw conflict(`Conflict. The container name "/${name}" is already in use by container "${holder.ID}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
  }
}
