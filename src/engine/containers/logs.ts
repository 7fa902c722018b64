/**
 * `docker logs`: the shim writes Docker's json-file log ({"log","stream","time"} per line); this reads it back,
 * framed like Docker's multiplexed stream unless the container has a TTY, and follows it with -f.
 */
import {closeSync, createReadStream, existsSync, fstatSync, openSync, statSync} from 'node:fs';
import type {Writable} from 'node:stream';
import {createInterface} from 'node:readline';

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  tail: number | 'all';
  timestamps: boolean;
  /** Unix seconds, inclusive / exclusive bounds. */
  since?: number;
  until?: number;
  tty: boolean;
}

interface Entry {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

export function frame(stream: 'stdout' | 'stderr', payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function render(e: Entry, opts: LogOptions): Buffer | undefined {
  if ((e.stream === 'stdout' && !opts.stdout) || (e.stream === 'stderr' && !opts.stderr)) return undefined;
  const t = Date.parse(e.time) / 1000;
  if (opts.since !== undefined && t < opts.since) return undefined;
  if (opts.until !== undefined && t >= opts.until) return undefined;
  const text = Buffer.from(opts.timestamps ? `${e.time} ${e.log}` : e.log);
  return opts.tty ? text : frame(e.stream, text);
}

interface Chunk {
  entries: Entry[];
  /** Where the next read of the same file starts. */
  end: number;
  /** The file read (its inode), so a rotation under a follower is noticed; undefined when there was none. */
  ino?: number;
  /** The file's size when read. */
  size: number;
}

/** Whole lines of one log file from byte `start`; the inode and the bytes come from the same open file. */
async function readEntries(path: string, start: number): Promise<Chunk> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return {entries: [], end: start, size: 0};
  }
  const {size: end, ino} = fstatSync(fd);
  if (end <= start) {
    closeSync(fd);
    return {entries: [], end: start, ino, size: end};
  }
  const entries: Entry[] = [];
  const lines = createInterface({input: createReadStream('', {fd, start, end: end - 1})});
  let consumed = start;
  for await (const line of lines) {
    consumed += Buffer.byteLength(line) + 1;
    if (consumed > end) break; // a line still being written: read it next time
    try {
      entries.push(JSON.parse(line) as Entry);
    } catch {
      // a torn line from a crash: skip it
    }
  }
  return {entries, end: Math.min(consumed, end), ino, size: end};
}

/** The files rotated out by max-file, oldest first (LOG.<n> ... LOG.1). */
function rotatedFiles(path: string): string[] {
  const out: string[] = [];
  for (let i = 1; existsSync(`${path}.${i}`); i++) out.unshift(`${path}.${i}`);
  return out;
}

function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Writes the log; with `follow`, keeps going until `stillRunning()` turns false or the client leaves. */
export async function streamLogs(path: string, out: Writable, opts: LogOptions, follow: boolean, stillRunning: () => boolean): Promise<void> {
  let entries: Entry[] = [];
  for (const old of rotatedFiles(path)) entries.push(...(await readEntries(old, 0)).entries);
  const live = await readEntries(path, 0);
  entries.push(...live.entries);
  let {end, ino} = live;
  if (opts.tail !== 'all') entries = opts.tail === 0 ? [] : entries.slice(-opts.tail);
  const send = (list: Entry[]) => {
    for (const e of list) {
      const b = render(e, opts);
      if (b) out.write(b);
    }
  };
  send(entries);
  if (!follow) return;
  let closed = false;
  out.on('close', () => (closed = true));
  while (!closed) {
    const running = stillRunning();
    let got = 0;
    const now = inodeOf(path);
    if (ino !== undefined && now !== undefined && now !== ino) {
      // Rotated since the last read: the rest of the file we were reading is LOG.1 now (if it was kept).
      if (inodeOf(`${path}.1`) === ino) {
        const rest = await readEntries(`${path}.1`, end);
        send(rest.entries);
        got += rest.entries.length;
      }
      end = 0;
    }
    let fresh = await readEntries(path, end);
    // Emptied in place (max-file 1): start again from its beginning.
    if (fresh.size < end) fresh = await readEntries(path, 0);
    end = fresh.end;
    ino = fresh.ino ?? ino;
    send(fresh.entries);
    got += fresh.entries.length;
    if (!running && got === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
