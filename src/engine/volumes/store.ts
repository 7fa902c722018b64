/**
 * Named volumes in Docker's layout: <data-root>/volumes/<name>/_data holds the files a container sees, and
 * beside it the engine keeps what `docker volume inspect` shows (created-at, labels) in volume.json.
 * A volume is "in use" while any container, running or not, refers to it: Docker refuses to remove those.
 */
import {randomBytes} from '../util/random.js';
import {existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {conflict, invalidArgument, notFound, systemError} from '../errors.js';
import {writeFileAtomic} from '../util/fs-atomic.js';
import {unmountVolumeData} from './volume-mount.js';

/** Docker's label for volumes made for a container (an image VOLUME or `-v /path`); prune and `rm -v` remove only these. */
export const anonymousLabel = 'com.docker.volume.anonymous';

const validName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export interface Volume {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Scope: 'local';
  Options: Record<string, string> | null;
}

interface VolumeMeta {
  CreatedAt: string;
  Labels: Record<string, string> | null;
  /** The local driver's mount options (type, device, o), as sent. */
  Options?: Record<string, string> | null;
}

/** The options dockerd's local driver takes: what `mount -t type -o o device` gets when a container uses it. */
const localDriverOptions = ['type', 'device', 'o'];

export function checkVolumeName(name: string): void {
  if (!validName.test(name)) {
    throw invalidArgument(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

/** Seconds-precision RFC 3339 with the local offset, as Docker prints CreatedAt. */
function rfc3339(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return offset === 0 ? `${local}Z` : `${local}${offset > 0 ? '+' : '-'}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** Bytes under a directory, links not followed (what prune reports as reclaimed). */
export function directorySize(path: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const p = join(path, name);
    const st = lstatSync(p, {throwIfNoEntry: false});
    if (!st) continue;
    total += st.isDirectory() ? directorySize(p) : st.size;
  }
  return total;
}

export class VolumeStore {
  readonly root: string;
  constructor(
    dataRoot: string,
    /** IDs of the containers that refer to a volume: one of them keeps it from being removed. */
    readonly usersOf: (name: string) => string[] = () => [],
  ) {
    this.root = join(dataRoot, 'volumes');
    mkdirSync(this.root, {recursive: true, mode: 0o701});
  }

  dir(name: string): string {
    return join(this.root, name);
  }

  dataDir(name: string): string {
    return join(this.root, name, '_data');
  }

  names(): string[] {
    return readdirSync(this.root).filter((n) => validName.test(n) && existsSync(this.dataDir(n)));
  }

  find(name: string): Volume | undefined {
    if (!validName.test(name) || !existsSync(this.dataDir(name))) return undefined;
    let meta: VolumeMeta = {CreatedAt: rfc3339(lstatSync(this.dataDir(name)).birthtime), Labels: null, Options: null};
    try {
      meta = {...meta, ...(JSON.parse(readFileSync(join(this.dir(name), 'volume.json'), 'utf8')) as VolumeMeta)};
    } catch {
      // a volume dir made by hand (or by Docker): the dir's own time stands in
    }
    return {Name: name, Driver: 'local', Mountpoint: this.dataDir(name), CreatedAt: meta.CreatedAt, Labels: meta.Labels, Scope: 'local', Options: meta.Options ?? null};
  }

  get(name: string): Volume {
    const v = this.find(name);
    if (!v) throw notFound(`get ${name}: no such volume`);
    return v;
  }

  list(): Volume[] {
    return this.names().map((n) => this.find(n)).filter((v): v is Volume => v !== undefined);
  }

  isAnonymous(name: string): boolean {
    return this.find(name)?.Labels?.[anonymousLabel] !== undefined;
  }

  /** Creates a volume, or returns the existing one of that name as Docker does. `created` says which. */
  create(opts: {name?: string; labels?: Record<string, string> | null; driver?: string; driverOpts?: Record<string, string> | null; anonymous?: boolean}): {volume: Volume; created: boolean} {
    const driver = opts.driver || 'local';
    if (driver !== 'local') throw notFound(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    const options = opts.driverOpts ?? {};
    const name = opts.name || randomBytes(32).toString('hex');
    checkVolumeName(name);
    const unknown = Object.keys(options).find((k) => !localDriverOptions.includes(k));
    if (unknown) throw invalidArgument(`create ${name}: invalid option: "${unknown}"`);
    if (Object.keys(options).length > 0 && !options.device) throw invalidArgument(`create ${name}: missing required option: "device"`);
    const existing = this.find(name);
    if (existing) return {volume: existing, created: false};
    const labels = {...(opts.labels ?? {}), ...(opts.anonymous ? {[anonymousLabel]: ''} : {})};
    mkdirSync(this.dataDir(name), {recursive: true, mode: 0o755});
    const meta: VolumeMeta = {CreatedAt: rfc3339(new Date()), Labels: Object.keys(labels).length > 0 ? labels : null, Options: Object.keys(options).length > 0 ? options : null};
    writeFileAtomic(join(this.dir(name), 'volume.json'), JSON.stringify(meta));
    return {volume: this.get(name), created: true};
  }

  /** Removes a volume no container refers to; returns the bytes freed. */
  remove(name: string, force = false): number {
    if (!this.find(name)) {
      if (force) return 0;
      throw notFound(`get ${name}: no such volume`);
    }
    const users = this.usersOf(name);
    if (users.length > 0) throw conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    const size = directorySize(this.dataDir(name));
    try {
      unmountVolumeData(this.dataDir(name));
      rmSync(this.dir(name), {recursive: true, force: true});
    } catch (error) {
      throw systemError(`remove ${name}: ${(error as Error).message}`);
    }
    return size;
  }
}
