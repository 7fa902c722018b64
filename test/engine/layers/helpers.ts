// Shared fixtures for the layer tests: temp layouts, archive builders, filesystem snapshots.
import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import type {ExecutionContext} from 'ava';
import tar from 'tar-stream';
import {applyLayerTar, assembleLayerTar, type AppliedLayer} from '../../../src/engine/layers/index.js';

export interface Layout {
  base: string;
  diff: string;
  /** A directory beside the layer dir that attacks aim at. */
  outside: string;
  /** A file in `outside` that attacks try to overwrite. */
  target: string;
  tarSplit: string;
}

export function tempDir(t: ExecutionContext, prefix = 'lab-layers-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

export function layout(t: ExecutionContext): Layout {
  const base = tempDir(t);
  const l: Layout = {
    base,
    diff: join(base, 'diff'),
    outside: join(base, 'outside'),
    target: join(base, 'outside', 'target.txt'),
    // Kept apart from `base`: creating and removing it there would touch base's mtime.
    tarSplit: join(tempDir(t, 'lab-layers-meta-'), 'tar-split.json.gz'),
  };
  mkdirSync(l.diff);
  mkdirSync(join(l.outside, 'sub'), {recursive: true});
  writeFileSync(l.target, 'original\n');
  return l;
}

/** Everything under `dir` except the layer dir: type, mode, owner, mtime, content, xattrs. */
export function snapshot(dir: string, skip = 'diff'): string {
  const lines: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const childRel = rel ? `${rel}/${name}` : name;
      if (childRel === skip) continue;
      const path = join(dir, childRel);
      const st = lstatSync(path);
      let extra = '';
      if (st.isFile()) extra = sha256(readFileSync(path));
      if (st.isSymbolicLink()) extra = readlinkSync(path);
      lines.push(`${childRel} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs} ${st.size} ${extra} ${xattrsOf(path)}`);
      if (st.isDirectory()) walk(childRel);
    }
  };
  walk('');
  return lines.join('\n');
}

export function xattrsOf(path: string): string {
  return execFileSync('getfattr', ['-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', path], {encoding: 'utf8'})
    .split('\n').filter((line) => line && !line.startsWith('#')).sort().join(',');
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export type PackEntry = {header: Partial<tar.Header> & {name: string; pax?: Record<string, string>}; content?: string | Buffer};

/** An archive written by tar-stream (ustar, PAX for long names and `pax` records). */
export async function packTar(entries: PackEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack);
  for (const {header, content} of entries) {
    await new Promise<void>((resolve, reject) => {
      const full = {mtime: new Date(1_600_000_000_000), mode: 0o644, ...header};
      if (content === undefined) pack.entry(full, (error) => (error ? reject(error) : resolve()));
      else pack.entry(full, content, (error) => (error ? reject(error) : resolve()));
    });
  }
  pack.finalize();
  return done;
}

export interface RawHeaderFields {
  name: string;
  type?: string;
  size?: number;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  magic?: 'ustar' | 'gnu';
  /** Write this instead of the computed checksum. */
  checksum?: number;
}

/** A hand-made header block, for archives no tar writer would produce. */
export function rawHeader(fields: RawHeaderFields): Buffer {
  const block = Buffer.alloc(512);
  const octal = (offset: number, width: number, value: number): void => {
    block.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, 'latin1');
  };
  block.write(fields.name, 0, 100, 'latin1');
  octal(100, 8, fields.mode ?? 0o644);
  octal(108, 8, fields.uid ?? 0);
  octal(116, 8, fields.gid ?? 0);
  octal(124, 12, fields.size ?? 0);
  octal(136, 12, fields.mtime ?? 1_600_000_000);
  block.write(fields.type ?? '0', 156, 1, 'latin1');
  block.write(fields.linkname ?? '', 157, 100, 'latin1');
  block.write(fields.magic === 'gnu' ? 'ustar  \0' : 'ustar\x0000', 257, 8, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write((fields.checksum ?? sum).toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return block;
}

/** Header, data and padding for one hand-made entry. */
export function rawEntry(fields: RawHeaderFields, data: Buffer | string = ''): Buffer {
  const bytes = Buffer.from(data);
  const header = rawHeader({...fields, size: fields.size ?? bytes.length});
  return Buffer.concat([header, bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512)]);
}

export const END = Buffer.alloc(1024);

export function paxData(records: Record<string, string | Buffer>): Buffer {
  const parts = Object.entries(records).map(([key, value]) => {
    const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
    let length = body.length + 1;
    while (String(length).length + body.length !== length) length = String(length).length + body.length;
    return Buffer.concat([Buffer.from(String(length)), body]);
  });
  return Buffer.concat(parts);
}

export function apply(data: Buffer, l: Pick<Layout, 'diff' | 'tarSplit'>): Promise<AppliedLayer> {
  return applyLayerTar(Readable.from([data]), l.diff, {tarSplitPath: l.tarSplit});
}

export async function reassemble(l: Pick<Layout, 'diff' | 'tarSplit'>): Promise<Buffer> {
  return collect(assembleLayerTar(l.diff, l.tarSplit));
}

/** Entries of an archive as "name type [linkname]" lines, via tar-stream's reader. */
export async function listTar(data: Buffer): Promise<{name: string; type: string; linkname: string; header: tar.Header; content: Buffer}[]> {
  const extract = tar.extract();
  const out: {name: string; type: string; linkname: string; header: tar.Header; content: Buffer}[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const content = await collect(entry);
      out.push({name: entry.header.name, type: String(entry.header.type), linkname: entry.header.linkname ?? '', header: entry.header, content});
    }
  })();
  extract.end(data);
  await done;
  return out;
}
