/**
 * `docker logs`: the shim writes Docker's json-file log ({"log","stream","time"} per line, rotated into LOG.1 ...
 * when max-size is set); this reads it back, framed like Docker's multiplexed stream unless the container has a
 * TTY, and follows it with -f. Entries stream through one at a time and `--tail N` reads the files backwards from
 * their ends, so a log of gigabytes costs no more memory than a small one.
 */
import {closeSync, createReadStream, existsSync, fstatSync, openSync, readSync, statSync} from 'node:fs';
import {once} from 'node:events';
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

/** An entry's bytes for the client, or undefined when the options filter it out. */
function payloadOf(e: Entry, opts: LogOptions): Buffer | undefined {
  if ((e.stream === 'stdout' && !opts.stdout) || (e.stream === 'stderr' && !opts.stderr)) return undefined;
  if (opts.since !== undefined || opts.until !== undefined) {
    const t = Date.parse(e.time) / 1000;
    if (opts.since !== undefined && t < opts.since) return undefined;
    if (opts.until !== undefined && t >= opts.until) return undefined;
  }
  return Buffer.from(opts.timestamps ? `${e.time} ${e.log}` : e.log);
}

/**
 * One frame per entry, as dockerd sends them (SDKs hand each frame to the caller as one message), written in
 * batches of up to 64 KiB: a write per entry would cost the daemon and the client more than reading it did.
 * While following, each entry is written as it comes.
 */
class Batcher {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly out: Writable, private readonly tty: boolean, private readonly eager: boolean) {}

  async add(stream: Entry['stream'], data: Buffer): Promise<void> {
    const framed = this.tty ? data : frame(stream, data);
    this.parts.push(framed);
    this.size += framed.length;
    if (this.eager || this.size >= 64 * 1024) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0 || this.out.destroyed) return;
    const ok = this.out.write(Buffer.concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
    if (!ok && !this.out.destroyed) await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]);
  }
}

interface ReadResult {
  /** Entries sent. */
  count: number;
  /** Where the next read of the same file starts. */
  end: number;
  /** The file read (its inode), so a rotation under a follower is noticed; undefined when there was none. */
  ino?: number;
  /** The file's size when read. */
  size: number;
}

/**
 * Sends the whole lines of one log file from byte `start`, one entry at a time, waiting when the client is slow.
 * The inode and the bytes come from the same open file.
 */
async function sendEntries(path: string, start: number, out: Writable, opts: LogOptions, eager = false): Promise<ReadResult> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return {count: 0, end: start, size: 0};
  }
  const {size: end, ino} = fstatSync(fd);
  if (end <= start) {
    closeSync(fd);
    return {count: 0, end: start, ino, size: end};
  }
  const input = createReadStream('', {fd, start, end: end - 1});
  const lines = createInterface({input, crlfDelay: Infinity});
  let consumed = start;
  let count = 0;
  const batch = new Batcher(out, opts.tty, eager);
  for await (const line of lines) {
    consumed += Buffer.byteLength(line) + 1;
    if (consumed > end) break; // a line still being written: read it next time
    let entry: Entry;
    try {
      entry = JSON.parse(line) as Entry;
    } catch {
      continue; // a torn line from a crash: skip it
    }
    count++;
    const data = payloadOf(entry, opts);
    if (data) await batch.add(entry.stream, data);
    if (out.destroyed) break;
  }
  await batch.flush();
  lines.close();
  input.destroy(); // closes the file too when the loop left early
  return {count, end: Math.min(consumed, end), ino, size: end};
}

/**
 * Where the last `n` whole lines of a file begin, found by reading backwards from its end; `lines` is how many
 * whole lines that is (fewer than n when the file is shorter). A partial line at the very end does not count.
 */
export function tailStart(path: string, n: number): {start: number; lines: number} {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return {start: 0, lines: 0};
  }
  try {
    const size = fstatSync(fd).size;
    const chunk = Buffer.alloc(64 * 1024);
    let pos = size;
    let newlines = 0;
    let lastNewline = -1; // the newline that ends the last whole line
    while (pos > 0) {
      const len = Math.min(chunk.length, pos);
      pos -= len;
      readSync(fd, chunk, 0, len, pos);
      for (let i = len - 1; i >= 0; i--) {
        if (chunk[i] !== 0x0a) continue;
        if (lastNewline < 0) lastNewline = pos + i;
        // The newline before the first of the last n lines: the lines start right after it.
        if (++newlines === n + 1) return {start: pos + i + 1, lines: n};
      }
    }
    return {start: 0, lines: lastNewline < 0 ? 0 : newlines};
  } finally {
    closeSync(fd);
  }
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

/** Where each file's reading starts: all of every file, or only as far back as the last `tail` lines reach. */
function startOffsets(files: string[], tail: number | 'all'): Map<string, number> {
  const starts = new Map<string, number>();
  if (tail === 'all') {
    for (const f of files) starts.set(f, 0);
    return starts;
  }
  let wanted = tail;
  const live = files.at(-1);
  for (const f of [...files].reverse()) {
    // The live file always gets a start (with --tail 0, the end of its last whole line), so -f goes on from there.
    if (wanted <= 0 && f !== live) break;
    const {start, lines} = tailStart(f, wanted);
    starts.set(f, start);
    wanted -= lines;
  }
  return starts;
}

/** Writes the log; with `follow`, keeps going until `stillRunning()` turns false or the client leaves. */
export async function streamLogs(path: string, out: Writable, opts: LogOptions, follow: boolean, stillRunning: () => boolean): Promise<void> {
  const rotated = rotatedFiles(path);
  const starts = startOffsets([...rotated, path], opts.tail);
  for (const old of rotated) if (starts.has(old)) await sendEntries(old, starts.get(old)!, out, opts);
  const live = await sendEntries(path, starts.get(path) ?? 0, out, opts);
  if (!follow) return;
  let {end, ino} = live;
  let closed = out.destroyed;
  out.on('close', () => (closed = true));
  while (!closed) {
    const running = stillRunning();
    let got = 0;
    const now = inodeOf(path);
    if (ino !== undefined && now !== undefined && now !== ino) {
      // Rotated since the last read: the rest of the file we were reading is LOG.1 now (if it was kept).
      if (inodeOf(`${path}.1`) === ino) got += (await sendEntries(`${path}.1`, end, out, opts, true)).count;
      end = 0;
    }
    let fresh = await sendEntries(path, end, out, opts, true);
    // Emptied in place (max-file 1): start again from its beginning.
    if (fresh.size < end) fresh = await sendEntries(path, 0, out, opts, true);
    end = fresh.end;
    ino = fresh.ino ?? ino;
    got += fresh.count;
    if (!running && got === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
