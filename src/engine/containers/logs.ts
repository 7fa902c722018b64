/**
 * `docker logs`: the shim writes Docker's json-file log ({"log","stream","time"} per line); this reads it back,
 * framed like Docker's multiplexed stream unless the container has a TTY, and follows it with -f.
 */
import {createReadStream, existsSync, statSync} from 'node:fs';
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

async function readEntries(path: string, start: number): Promise<{entries: Entry[]; end: number}> {
  if (!existsSync(path)) return {entries: [], end: start};
  const end = statSync(path).size;
  if (end <= start) return {entries: [], end: start};
  const entries: Entry[] = [];
  const lines = createInterface({input: createReadStream(path, {start, end: end - 1})});
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
  return {entries, end: Math.min(consumed, end)};
}

/** Writes the log; with `follow`, keeps going until `stillRunning()` turns false or the client leaves. */
export async function streamLogs(path: string, out: Writable, opts: LogOptions, follow: boolean, stillRunning: () => boolean): Promise<void> {
  let {entries, end} = await readEntries(path, 0);
  if (opts.tail !== 'all') entries = opts.tail === 0 ? [] : entries.slice(-opts.tail);
  for (const e of entries) {
    const b = render(e, opts);
    if (b) out.write(b);
  }
  if (!follow) return;
  let closed = false;
  out.on('close', () => (closed = true));
  while (!closed) {
    const running = stillRunning();
    const next = await readEntries(path, end);
    end = next.end;
    for (const e of next.entries) {
      const b = render(e, opts);
      if (b) out.write(b);
    }
    if (!running && next.entries.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
