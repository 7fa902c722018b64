import type {ByteSource} from './byte-source.js';
import {LayerError} from './errors.js';
import {bytesToName} from './paths.js';
import {BLOCK, checksumMatches, decodeHeader, type HeaderBlock, isZeroBlock, parsePaxRecords} from './tar-header.js';

export type EntryKind = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

/** One archive member with PAX and GNU long-name headers already folded in. */
export interface TarEntry {
  /** Byte string, exactly as archived. */
  name: string;
  linkname: string;
  kind: EntryKind;
  mode: number;
  uid: number;
  gid: number;
  /** Data bytes that follow the header (0 for header-only kinds). */
  size: number;
  /** Seconds, possibly fractional (PAX). */
  mtime: number;
  atime: number;
  devmajor: number;
  devminor: number;
  xattrs: Map<string, Buffer>;
}

/** Receives every archive byte that is not handed out as entry data, in stream order. */
export type RawSink = (bytes: Buffer) => Promise<void>;

const KINDS: Record<string, EntryKind> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

// Limits on headers we must buffer whole; real ones are far smaller.
export const MAX_PAX_SIZE = 1024 * 1024;
export const MAX_LONG_NAME_SIZE = 64 * 1024;

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

function paxInteger(records: Map<string, Buffer>, key: string, name: string): number | undefined {
  const value = records.get(key);
  if (value === undefined) return undefined;
  const text = value.toString('latin1');
  const number = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(number)) throw new LayerError(`invalid PAX ${key} value ${JSON.stringify(text)}`, name);
  return number;
}

function paxTime(records: Map<string, Buffer>, key: string, name: string): number | undefined {
  const value = records.get(key);
  if (value === undefined) return undefined;
  const text = value.toString('latin1');
  if (!/^-?[0-9]{1,15}(\.[0-9]*)?$/.test(text)) throw new LayerError(`invalid PAX ${key} value ${JSON.stringify(text)}`, name);
  return Number(text);
}

function cString(data: Buffer): string {
  const nul = data.indexOf(0);
  return bytesToName(nul < 0 ? data : data.subarray(0, nul));
}

/**
 * Walks a tar stream block by block. Header blocks, extended headers, padding, the
 * end-of-archive blocks and anything after them go to the raw sink, so the archive can be
 * rebuilt byte for byte from those bytes plus the data of the entries.
 */
export class TarWalker {
  private dataLeft = 0;
  private padLeft = 0;
  private current = '';
  private done = false;

  constructor(
    private readonly src: ByteSource,
    private readonly raw: RawSink,
  ) {}

  private truncated(): LayerError {
    return new LayerError('archive is truncated (data ends inside this entry)', this.current);
  }

  /** Next entry, or null after the end-of-archive marker (trailing bytes are consumed too). */
  async next(): Promise<TarEntry | null> {
    if (this.done) return null;
    await this.skipData();
    const pax = new Map<string, Buffer>();
    let longName: string | undefined;
    let longLink: string | undefined;
    let pendingMeta = false;
    for (;;) {
      const offset = this.src.offset;
      const block = await this.src.read(BLOCK);
      if (block.length === 0) {
        if (offset === 0) throw new LayerError('not a tar archive: the input is empty');
        throw new LayerError(pendingMeta
          ? 'archive is truncated: it ends after an extended header'
          : 'archive is truncated: it ends without the end-of-archive marker');
      }
      if (block.length < BLOCK) {
        throw new LayerError(offset === 0
          ? 'not a tar archive: the input is shorter than one header block'
          : `archive is truncated: incomplete header block at offset ${offset}`);
      }
      if (isZeroBlock(block)) {
        if (pendingMeta) throw new LayerError(`corrupt archive: extended header at offset ${offset} is not followed by an entry`);
        await this.raw(block);
        await this.finish();
        return null;
      }
      if (!checksumMatches(block)) {
        throw new LayerError(offset === 0
          ? 'not a tar archive: bad header checksum at offset 0'
          : `corrupt archive: bad header checksum at offset ${offset}`);
      }
      await this.raw(block);
      const header = decodeHeader(block);
      if ('badField' in header) throw new LayerError(`invalid ${header.badField} field in header`, cString(block.subarray(0, 100)));
      switch (header.typeflag) {
        case 'x':
        case 'g': {
          const records = parsePaxRecords(await this.readMeta(header, MAX_PAX_SIZE, 'PAX extended header'));
          if (typeof records === 'string') throw new LayerError(`malformed PAX extended header (${records})`, header.name);
          // Global headers are kept byte for byte but, as in Docker, not applied.
          if (header.typeflag === 'x') {
            for (const [key, value] of records) pax.set(key, value);
            pendingMeta = true;
          }
          continue;
        }
        case 'L':
          longName = cString(await this.readMeta(header, MAX_LONG_NAME_SIZE, 'GNU long name header'));
          pendingMeta = true;
          continue;
        case 'K':
          longLink = cString(await this.readMeta(header, MAX_LONG_NAME_SIZE, 'GNU long link header'));
          pendingMeta = true;
          continue;
        default:
          return this.entryFrom(header, pax, longName, longLink);
      }
    }
  }

  private entryFrom(header: HeaderBlock, pax: Map<string, Buffer>, longName?: string, longLink?: string): TarEntry {
    const paxPath = pax.get('path');
    const paxLink = pax.get('linkpath');
    const name = paxPath && paxPath.length > 0 ? bytesToName(paxPath) : (longName ?? header.name);
    const linkname = paxLink && paxLink.length > 0 ? bytesToName(paxLink) : (longLink ?? header.linkname);
    this.current = name;
    let kind = KINDS[header.typeflag];
    if (kind === undefined) throw new LayerError(`unsupported entry type ${JSON.stringify(header.typeflag)}`, name);
    // Pre-POSIX archives mark directories only by a trailing slash.
    if (header.typeflag === '\0' && name.endsWith('/')) kind = 'dir';
    const xattrs = new Map<string, Buffer>();
    for (const [key, value] of pax) {
      if (key.startsWith('GNU.sparse.')) throw new LayerError('sparse files are not supported', name);
      if (key.startsWith('SCHILY.xattr.') && key.length > 'SCHILY.xattr.'.length) xattrs.set(key.slice('SCHILY.xattr.'.length), value);
    }
    const size = paxInteger(pax, 'size', name) ?? header.size;
    if (size < 0) throw new LayerError('negative size', name);
    const mtime = paxTime(pax, 'mtime', name) ?? header.mtime;
    // As in Go's archive/tar (and so Docker), these kinds never carry data, whatever the size field says.
    this.dataLeft = kind === 'file' ? size : 0;
    this.padLeft = padding(this.dataLeft);
    return {
      name,
      linkname,
      kind,
      mode: header.mode,
      uid: paxInteger(pax, 'uid', name) ?? header.uid,
      gid: paxInteger(pax, 'gid', name) ?? header.gid,
      size: this.dataLeft,
      mtime,
      atime: paxTime(pax, 'atime', name) ?? mtime,
      devmajor: header.devmajor,
      devminor: header.devminor,
      xattrs,
    };
  }

  private async readMeta(header: HeaderBlock, limit: number, what: string): Promise<Buffer> {
    if (header.size > limit) throw new LayerError(`${what} is too large (${header.size} bytes, limit ${limit})`, header.name);
    this.current = header.name;
    const data = await this.src.read(header.size);
    if (data.length < header.size) throw this.truncated();
    await this.raw(data);
    const pad = await this.src.read(padding(header.size));
    if (pad.length < padding(header.size)) throw this.truncated();
    await this.raw(pad);
    return data;
  }

  /** The current entry's data; whatever the caller leaves unread is passed to the raw sink. */
  async *data(): AsyncGenerator<Buffer> {
    for await (const chunk of this.src.take(this.dataLeft)) {
      this.dataLeft -= chunk.length;
      yield chunk;
    }
    if (this.dataLeft > 0) throw this.truncated();
  }

  private async skipData(): Promise<void> {
    for await (const chunk of this.src.take(this.dataLeft)) {
      this.dataLeft -= chunk.length;
      await this.raw(chunk);
    }
    if (this.dataLeft > 0) throw this.truncated();
    const pad = await this.src.read(this.padLeft);
    if (pad.length < this.padLeft) throw this.truncated();
    this.padLeft = 0;
    await this.raw(pad);
  }

  /** After the first zero block: a second one (or end of input), then trailing bytes kept verbatim. */
  private async finish(): Promise<void> {
    const offset = this.src.offset;
    const second = await this.src.read(BLOCK);
    if (!isZeroBlock(second)) throw new LayerError(`corrupt archive: data after the end-of-archive block at offset ${offset}`);
    await this.raw(second);
    for await (const chunk of this.src.rest()) await this.raw(chunk);
    this.done = true;
  }
}
